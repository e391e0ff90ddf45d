#include "trit/models/trix_export.h"

#include <cstring>

#include "trit/autograd/grad_mode.h"
#include "trit/formats/gguf_writer.h"
#include "trit/formats/quant_type.h"
#include "trit/ops/ops.h"

namespace trit::models {
namespace {

std::vector<std::byte> encode_rows(QuantType type, const std::vector<float>& values, int64_t n_cols,
                                   const std::string& tensor) {
  TRIT_CHECK(n_cols % quant_block_size(type) == 0, "trix export: tensor '", tensor, "' has rows of ", n_cols,
             " values, not a multiple of ", quant_name(type), "'s block of ", quant_block_size(type),
             " (choose f16/f32, or model dimensions that are multiples of 256)");
  const int64_t n_rows = int64_t(values.size()) / n_cols;
  std::vector<std::byte> out(size_t(n_rows) * row_size(type, n_cols));
  quantize_rows(type, values.data(), n_rows, n_cols, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

std::vector<float> floats(const Tensor& t) { return t.detach().contiguous().to_vector<float>(); }

// The ternary values of `w` with its absmean scale folded in.
std::vector<float> folded_ternary(const Tensor& w) { return floats(weight_quant_ternary(w.detach())); }

// The codes (-1, 0, 1 as floats) of `w` and the exact multiplier 1/sw (as trit-convert's bitnet
// export: TQ blocks then hold d = 1 and the f32 scale is exact where an fp16 d is not).
std::vector<float> ternary_codes(const Tensor& w, float* scale) {
  std::vector<float> v = folded_ternary(w);
  for (float& x : v) x = x > 0 ? 1.0f : (x < 0 ? -1.0f : 0.0f);
  *scale = float(1.0 / ternary_weight_scale(w.detach()));
  return v;
}

// E row-major [rows, cols] matrices, each transposed to [cols, rows].
std::vector<float> transposed_tiles(const std::vector<float>& v, int64_t n_tiles, int64_t rows, int64_t cols) {
  std::vector<float> out(v.size());
  for (int64_t e = 0; e < n_tiles; ++e) {
    const float* src = v.data() + e * rows * cols;
    float* dst = out.data() + e * rows * cols;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) dst[c * rows + r] = src[r * cols + c];
  }
  return out;
}

void add_f32(formats::GgufWriter& out, const std::string& name, const std::vector<float>& v,
             std::vector<int64_t> ne) {
  std::vector<std::byte> bytes = encode_rows(QuantType::F32, v, ne[0], name);
  out.add_tensor(name, uint32_t(ggml_type_id(QuantType::F32)), std::move(ne), std::move(bytes));
}

}  // namespace

std::string trix_llama_cpp_notice() {
  return "note: this GGUF uses trit's own architecture 'trix' (sparse ternary tiles); llama.cpp cannot load or run "
         "it. trit-eval runs it (loss, perplexity, generation, --bench) on trit's CPU runtime.";
}

void write_trix_gguf(const Trix& model, const std::filesystem::path& path, const TrixExportOptions& o) {
  NoGradGuard no_grad;
  const ModelConfig& c = model.config();
  const QuantType type = parse_quant_type(o.type);
  TRIT_CHECK(type == QuantType::F32 || type == QuantType::F16 || type == QuantType::BF16 ||
                 type == QuantType::TQ1_0 || type == QuantType::TQ2_0,
             "trix export: type '", o.type, "' is not supported (valid: f32, f16, bf16, tq1_0, tq2_0)");
  TRIT_CHECK(c.tie_embeddings, "trix export: an untied output head is not part of the trix GGUF layout");
  const uint32_t tid = uint32_t(ggml_type_id(type));
  const bool tq = type == QuantType::TQ1_0 || type == QuantType::TQ2_0;
  formats::GgufWriter out;
  auto& m = out.metadata();
  m.set("general.architecture", "trix");
  if (!o.name.empty()) m.set("general.name", o.name);
  m.set("trix.vocab_size", uint32_t(c.vocab_size));
  m.set("trix.context_length", uint32_t(c.max_seq_len));
  m.set("trix.embedding_length", uint32_t(c.d_model));
  m.set("trix.block_count", uint32_t(c.n_layers));
  m.set("trix.feed_forward_length", uint32_t(c.d_tile));
  m.set("trix.expert_count", uint32_t(c.n_tiles));
  m.set("trix.expert_used_count", uint32_t(1));
  m.set("trix.router", c.router);
  m.set("trix.ffn_activation", c.ffn);
  m.set("trix.attention.head_count", uint32_t(c.n_heads));
  m.set("trix.attention.head_count_kv", uint32_t(c.n_kv_heads));
  m.set("trix.attention.layer_norm_rms_epsilon", float(c.norm_eps));
  m.set("trix.rope.freq_base", float(c.rope_theta));
  m.set("trix.rope.dimension_count", uint32_t(c.d_model / c.n_heads));
  for (const auto& [k, v] : o.extra.entries()) m.set(k, v);

  const int64_t C = c.d_model, F = c.d_tile, E = c.n_tiles;
  add_f32(out, "token_embd.weight", floats(model.tok_emb->weight), {C, c.vocab_size});
  add_f32(out, "output_norm.weight", floats(model.norm->weight), {C});
  for (int64_t l = 0; l < c.n_layers; ++l) {
    const TrixBlock& b = (*model.layers)[size_t(l)];
    const std::string p = "blk." + std::to_string(l) + ".";
    // A ternary weight: folded values, or under TQ types codes plus `<name>.scale` (f32).
    auto ternary = [&](const std::string& name, const Tensor& w) {
      const std::string full = p + name + ".weight";
      if (!tq) {
        out.add_tensor(full, tid, {w.size(1), w.size(0)}, encode_rows(type, folded_ternary(w), w.size(1), full));
        return;
      }
      float scale = 1.0f;
      const auto codes = ternary_codes(w, &scale);
      out.add_tensor(full, tid, {w.size(1), w.size(0)}, encode_rows(type, codes, w.size(1), full));
      add_f32(out, p + name + ".scale", {scale}, {1});
    };
    add_f32(out, p + "attn_norm.weight", floats(b.attn_norm->weight), {C});
    ternary("attn_q", b.attn->q.weight());
    ternary("attn_k", b.attn->k.weight());
    ternary("attn_v", b.attn->v.weight());
    add_f32(out, p + "attn_sub_norm.weight", floats(b.attn->sub_norm->weight), {C});
    ternary("attn_output", b.attn->o.weight());
    add_f32(out, p + "ffn_norm.weight", floats(b.ffn_norm->weight), {C});
    // Tiles stacked: each tile folded with its own scale (TQ types: codes, and the tiles'
    // scales in `<name>.scale` f32 [E]), then concatenated.
    std::vector<float> gate, up, down, sub, gate_s, up_s, down_s;
    auto append = [&](std::vector<float>& dst, std::vector<float>& scales, const Tensor& w) {
      float scale = 1.0f;
      const auto v = tq ? ternary_codes(w, &scale) : folded_ternary(w);
      dst.insert(dst.end(), v.begin(), v.end());
      scales.push_back(scale);
    };
    for (const auto& t : *b.ffn->tiles) {
      append(gate, gate_s, t->gate.weight());
      append(up, up_s, t->up.weight());
      append(down, down_s, t->down.weight());
      const auto s = floats(t->sub_norm->weight);
      sub.insert(sub.end(), s.begin(), s.end());
    }
    out.add_tensor(p + "ffn_gate_exps.weight", tid, {C, F, E}, encode_rows(type, gate, C, p + "ffn_gate_exps.weight"));
    out.add_tensor(p + "ffn_up_exps.weight", tid, {C, F, E}, encode_rows(type, up, C, p + "ffn_up_exps.weight"));
    // Rows of F values do not fit TQ blocks when F is not a multiple of 256 (a 64-wide tile):
    // then each tile's down weight is written transposed, rows of C values (ffn_down_exps_t).
    const bool down_t = tq && F % quant_block_size(type) != 0;
    const std::string down_name = down_t ? "ffn_down_exps_t" : "ffn_down_exps";
    if (down_t) down = transposed_tiles(down, E, C, F);
    out.add_tensor(p + down_name + ".weight", tid, down_t ? std::vector<int64_t>{C, F, E} : std::vector<int64_t>{F, C, E},
                   encode_rows(type, down, down_t ? C : F, p + down_name + ".weight"));
    if (tq) {
      add_f32(out, p + "ffn_gate_exps.scale", gate_s, {E});
      add_f32(out, p + "ffn_up_exps.scale", up_s, {E});
      add_f32(out, p + down_name + ".scale", down_s, {E});
    }
    add_f32(out, p + "ffn_sub_norm_exps.weight", sub, {F, E});
    if (b.ffn->router) {
      auto wr = floats(b.ffn->router->weight);
      for (float& w : wr) w = float(double(w) * c.router_lr_scale);  // the runtime's logits are x Wr^T
      add_f32(out, p + "ffn_gate_inp.weight", wr, {C, E});
    }
    if (b.ffn->router_prior.defined())
      add_f32(out, p + "ffn_gate_tok.weight", floats(b.ffn->router_prior), {E, c.vocab_size});
  }
  out.write(path);
}

}  // namespace trit::models

#pragma once
// A minimal exporter of trit Decoder models to GGUF for the runtime tests, following the
// converter contract (docs/runtime-model.md):
//   bitnet (ternary Decoder): every BitLinear weight W quantized as BitNet does (sw = 1 /
//     max(mean|W|, 1e-5), Wq = clamp(round(W sw), -1, 1)), written as
//       TQ2_0 / TQ1_0 with block d = 1 and an f32 [1] tensor `<name>.scale` = 1/sw, or
//       TQ2_0 / TQ1_0 with the scale folded into every block (d = fp16(1/sw), no .scale), or
//       F32 / F16 / Q8_0 of the dequantized values Wq / sw;
//   llama (transformer Decoder): float weights in `type`, Q and K rows permuted per head
//     (row 2i <- i, 2i+1 <- i + D/2) so llama.cpp's interleaved RoPE equals trit's NEOX RoPE.
// Embedding and norms in F32; a gpt2 tokenizer of the 256 bytes (test models have vocab 256).
// The real exporter is trit-convert; this one exists so runtime tests need no converter.
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "trit/data/gpt2_unicode.h"
#include "trit/formats/gguf_writer.h"
#include "trit/formats/quant_type.h"
#include "trit/models/decoder.h"

namespace trit::test {

struct GgufExportOptions {
  QuantType type = QuantType::TQ2_0;
  bool scale_tensors = true;  // TQ types: d = 1 blocks + .scale (else the scale is folded)
};

inline std::vector<std::byte> to_bytes(const void* p, size_t n) {
  std::vector<std::byte> out(n);
  std::memcpy(out.data(), p, n);
  return out;
}

inline void export_decoder_gguf(const models::Decoder& model, const std::filesystem::path& path,
                                const GgufExportOptions& options = {}) {
  const models::ModelConfig& c = model.config();
  const bool bitnet = model.ternary();
  const std::string arch = bitnet ? "bitnet" : "llama";
  formats::GgufWriter w;
  auto& md = w.metadata();
  md.set("general.architecture", arch);
  md.set("general.name", std::string("trit test model"));
  md.set(arch + ".context_length", uint32_t(c.max_seq_len));
  md.set(arch + ".embedding_length", uint32_t(c.d_model));
  md.set(arch + ".block_count", uint32_t(c.n_layers));
  md.set(arch + ".feed_forward_length", uint32_t(c.d_ff));
  md.set(arch + ".attention.head_count", uint32_t(c.n_heads));
  md.set(arch + ".attention.head_count_kv", uint32_t(c.n_kv_heads));
  md.set(arch + ".attention.layer_norm_rms_epsilon", float(c.norm_eps));
  md.set(arch + ".rope.freq_base", float(c.rope_theta));
  md.set("tokenizer.ggml.model", std::string("gpt2"));
  md.set("tokenizer.ggml.pre", std::string("gpt-2"));
  std::vector<std::string> tokens;
  for (int b = 0; b < 256; ++b) tokens.push_back(data::gpt2_render_bytes(std::string(1, char(b))));
  md.set("tokenizer.ggml.tokens", tokens);

  const auto sd = model.state_dict();
  auto floats = [&](const std::string& name) { return sd.at(name).to_vector<float>(); };
  auto add_f32 = [&](const std::string& name, const std::vector<float>& v, std::vector<int64_t> shape) {
    w.add_tensor(name, uint32_t(ggml_type_id(QuantType::F32)), std::move(shape), to_bytes(v.data(), v.size() * 4));
  };
  auto add_quant = [&](const std::string& name, QuantType t, const std::vector<float>& v, int64_t rows, int64_t cols) {
    std::vector<uint8_t> q(size_t(rows) * row_size(t, cols));
    quantize_rows(t, v.data(), rows, cols, q.data(), 1);
    w.add_tensor(name, uint32_t(ggml_type_id(t)), {cols, rows}, to_bytes(q.data(), q.size()));
  };
  // Q/K rows of one matrix permuted for interleaved RoPE (llama arch).
  auto permute_rows = [&](const std::vector<float>& v, int64_t n_heads, int64_t cols) {
    const int64_t D = c.d_model / c.n_heads, half = D / 2;
    std::vector<float> out(v.size());
    for (int64_t h = 0; h < n_heads; ++h)
      for (int64_t i = 0; i < half; ++i)
        for (int j = 0; j < 2; ++j)
          std::memcpy(out.data() + size_t((h * D + 2 * i + j) * cols), v.data() + size_t((h * D + j * half + i) * cols),
                      size_t(cols) * 4);
    return out;
  };

  add_f32("token_embd.weight", floats("tok_emb.weight"), {c.d_model, c.vocab_size});
  add_f32("output_norm.weight", floats("norm.weight"), {c.d_model});
  if (!c.tie_embeddings) add_f32("output.weight", floats("head.weight"), {c.d_model, c.vocab_size});
  const int64_t dkv = c.d_model / c.n_heads * c.n_kv_heads;
  for (int64_t i = 0; i < c.n_layers; ++i) {
    const std::string src = "layers." + std::to_string(i) + ".", dst = "blk." + std::to_string(i) + ".";
    add_f32(dst + "attn_norm.weight", floats(src + "attn_norm.weight"), {c.d_model});
    add_f32(dst + "ffn_norm.weight", floats(src + "ffn_norm.weight"), {c.d_model});
    if (bitnet) {
      add_f32(dst + "attn_sub_norm.weight", floats(src + "attn.sub_norm.weight"), {c.d_model});
      add_f32(dst + "ffn_sub_norm.weight", floats(src + "ffn.sub_norm.weight"), {c.d_ff});
    }
    struct Proj { const char* src; const char* dst; int64_t rows, cols; };
    const Proj projs[] = {{"attn.q", "attn_q", c.d_model, c.d_model},  {"attn.k", "attn_k", dkv, c.d_model},
                          {"attn.v", "attn_v", dkv, c.d_model},        {"attn.o", "attn_output", c.d_model, c.d_model},
                          {"ffn.gate", "ffn_gate", c.d_ff, c.d_model}, {"ffn.up", "ffn_up", c.d_ff, c.d_model},
                          {"ffn.down", "ffn_down", c.d_model, c.d_ff}};
    for (const Proj& p : projs) {
      std::vector<float> v = floats(src + p.src + ".weight");
      const std::string name = dst + p.dst + ".weight";
      if (!bitnet) {
        if (std::string(p.dst) == "attn_q") v = permute_rows(v, c.n_heads, p.cols);
        if (std::string(p.dst) == "attn_k") v = permute_rows(v, c.n_kv_heads, p.cols);
        add_quant(name, options.type, v, p.rows, p.cols);
        continue;
      }
      // BitNet's weight quantizer, in float as the training side computes it.
      double sum = 0;
      for (float x : v) sum += std::fabs(double(x));
      const float mean = float(sum / double(v.size()));
      const float sw = 1.0f / std::max(mean, 1e-5f);
      std::vector<float> wq(v.size());
      for (size_t k = 0; k < v.size(); ++k) wq[k] = std::clamp(std::nearbyint(v[k] * sw), -1.0f, 1.0f);
      const bool tq = options.type == QuantType::TQ2_0 || options.type == QuantType::TQ1_0;
      if (tq && options.scale_tensors) {
        add_quant(name, options.type, wq, p.rows, p.cols);  // every block's d = absmax = 1 (or 0)
        add_f32(dst + p.dst + ".scale", {1.0f / sw}, {1});
      } else {
        for (float& x : wq) x /= sw;  // the dequantized values Wq / sw
        add_quant(name, options.type, wq, p.rows, p.cols);
      }
    }
  }
  w.write(path);
}

}  // namespace trit::test

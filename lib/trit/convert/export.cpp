// Writing a planned conversion as GGUF or safetensors (rules in export.h).
#include "trit/convert/export.h"

#include <cmath>
#include <cstring>

#include "trit/convert/names.h"
#include "trit/convert/tokenizer_json.h"
#include "trit/core/error.h"
#include "trit/core/half.h"
#include "trit/formats/gguf_writer.h"
#include "trit/formats/safetensors.h"

namespace trit::convert {
namespace {

// Offset of the fp16 block scale d inside a ternary block (it is the last field).
size_t ternary_d_offset(QuantType t) { return t == QuantType::TQ1_0 ? 52 : 64; }

struct Encoded {
  std::vector<std::byte> bytes;
  float scale = 1.0f;       // for ternary blocks: the .scale value
  std::vector<float> want;  // what the bytes should decode to (kept only for stats)
};

// Q4_0 of ternary weights {-s, 0, +s}. llama.cpp's reference quantizer takes d = max / -8 from
// the signed extreme, so one sign decodes to s and the other to 7s/8 (12.5% off in half the
// weights, block by block). Written here instead: d = s/7 in every block and nibbles 8 + 7 code,
// so both signs decode to 7 fp16(s/7), within 2^-11 of s. Layout: fp16 d, then 16 bytes, element
// j in the low nibble of byte j, element j + 16 in its high nibble.
std::vector<std::byte> ternary_q4_0(const TernaryForm& f, int64_t n_rows, int64_t n_cols) {
  const size_t n_blocks = size_t(n_rows * n_cols / 32);
  std::vector<std::byte> out(n_blocks * 18);
  const uint16_t d = float_to_f16(f.scale / 7.0f);
  for (size_t b = 0; b < n_blocks; ++b) {
    std::byte* blk = out.data() + b * 18;
    blk[0] = std::byte(d & 0xff);
    blk[1] = std::byte(d >> 8);
    const int8_t* c = f.codes.data() + b * 32;
    for (int j = 0; j < 16; ++j) blk[2 + j] = std::byte(uint8_t((8 + 7 * c[j]) | ((8 + 7 * c[j + 16]) << 4)));
  }
  return out;
}

Encoded encode(const PlannedTensor& p, const Hparams& hp, bool gguf, int n_threads, bool keep_want) {
  const bool master = !gguf;
  const ConvTensor& t = *p.source;
  Encoded e;
  std::vector<float> values;
  if (p.ternary_blocks) {
    const TernaryForm f = ternary_form(t);
    values.assign(f.codes.begin(), f.codes.end());
    e.scale = f.scale;
  } else if (gguf && p.type == QuantType::Q4_0 && t.ternary && (t.exact || !t.lossy_source())) {
    const TernaryForm f = ternary_form(t);
    e.bytes = ternary_q4_0(f, t.n_rows(), t.n_cols());
    if (keep_want)
      for (int8_t c : f.codes) e.want.push_back(float(c) * f.scale);
    return e;
  } else {
    values = master ? t.values : effective_values(t);
  }
  // llama.cpp's llama architecture rotates interleaved pairs: reorder Q and K rows for it.
  if (gguf && !hp.bitnet() && (is_rope_query(t.name) || is_rope_key(t.name)))
    permute_rope_rows(values, is_rope_query(t.name) ? hp.n_heads : hp.n_kv_heads, hp.head_dim(), t.n_cols());
  e.bytes.resize(size_t(t.n_rows()) * row_size(p.type, t.n_cols()));
  try {
    quantize_rows(p.type, values.data(), t.n_rows(), t.n_cols(), reinterpret_cast<uint8_t*>(e.bytes.data()), n_threads);
  } catch (const Error& err) {
    fail("tensor ", t.name, ": ", err.what());
  }
  if (p.ternary_blocks) {
    // Unit block scales everywhere: the reference quantizer writes d = 0 for all-zero blocks.
    const size_t block = quant_type_size(p.type), at = ternary_d_offset(p.type);
    const uint16_t one = float_to_f16(1.0f);
    for (size_t b = 0; b < e.bytes.size(); b += block) {
      e.bytes[b + at] = std::byte(one & 0xff);
      e.bytes[b + at + 1] = std::byte(one >> 8);
    }
    if (keep_want)
      for (float& v : values) v *= e.scale;
  }
  if (keep_want) e.want = std::move(values);
  return e;
}

TensorStats measure(const PlannedTensor& p, const Encoded& e, int n_threads) {
  const ConvTensor& t = *p.source;
  std::vector<float> got(size_t(t.numel()));
  dequantize_rows(p.type, reinterpret_cast<const uint8_t*>(e.bytes.data()), t.n_rows(), t.n_cols(), got.data(), n_threads);
  TensorStats s;
  s.name = p.name;
  double sum = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double g = p.ternary_blocks ? double(got[i] * e.scale) : double(got[i]);
    const double d = std::abs(g - double(e.want[i]));
    sum += d * d;
    s.max_abs = std::max(s.max_abs, d);
  }
  s.rmse = got.empty() ? 0.0 : std::sqrt(sum / double(got.size()));
  return s;
}

std::vector<std::byte> scale_bytes(float scale) {
  std::vector<std::byte> b(4);
  std::memcpy(b.data(), &scale, 4);
  return b;
}

DType safetensors_dtype(QuantType t) {
  switch (t) {
    case QuantType::F32: return DType::f32;
    case QuantType::F16: return DType::f16;
    case QuantType::BF16: return DType::bf16;
    default: fail("safetensors cannot hold type ", quant_name(t));
  }
}

}  // namespace

formats::GgufMetadata gguf_metadata(const ConvModel& model, const Plan& plan) {
  const Hparams& hp = model.hp;
  const std::string a = hp.gguf_arch();
  formats::GgufMetadata m;
  m.set("general.architecture", a);
  m.set("general.name", "trit " + hp.family);
  m.set("general.file_type", llama_ftype(plan.type));
  m.set("general.quantization_version", uint32_t(2));
  m.set(a + ".vocab_size", uint32_t(hp.vocab_size));
  m.set(a + ".context_length", uint32_t(hp.context_length));
  m.set(a + ".embedding_length", uint32_t(hp.d_model));
  m.set(a + ".block_count", uint32_t(hp.n_layers));
  m.set(a + ".feed_forward_length", uint32_t(hp.d_ff));
  m.set(a + ".attention.head_count", uint32_t(hp.n_heads));
  m.set(a + ".attention.head_count_kv", uint32_t(hp.n_kv_heads));
  m.set(a + ".attention.layer_norm_rms_epsilon", float(hp.norm_eps));
  m.set(a + ".rope.freq_base", float(hp.rope_theta));
  m.set(a + ".rope.dimension_count", uint32_t(hp.head_dim()));
  if (model.tokenizer.size() == 0) {
    m.set("tokenizer.ggml.model", "none");
  } else {
    for (const auto& [key, value] : model.tokenizer.entries()) m.set(key, value);
  }
  m.set("trit.version", model.provenance.trit_version.empty() ? std::string("unknown") : model.provenance.trit_version);
  m.set("trit.converter_version", std::string(TRIT_VERSION));
  if (model.provenance.step >= 0) m.set("trit.training_step", uint64_t(model.provenance.step));
  m.set("trit.source", model.provenance.source);
  m.set("trit.model.family", hp.family);
  m.set("trit.model.ffn", hp.ffn);
  if (hp.bitnet()) {
    m.set("trit.bitnet.activation", "int8_per_token_absmax");
    m.set("trit.bitnet.weight", "ternary_per_tensor_absmean");
  }
  return m;
}

nlohmann::json hf_config(const ConvModel& model) {
  const Hparams& hp = model.hp;
  nlohmann::json c;
  c["architectures"] = {hp.bitnet() ? "BitNetForCausalLM" : "LlamaForCausalLM"};
  c["model_type"] = hp.bitnet() ? "bitnet" : "llama";
  c["hidden_size"] = hp.d_model;
  c["num_hidden_layers"] = hp.n_layers;
  c["num_attention_heads"] = hp.n_heads;
  c["num_key_value_heads"] = hp.n_kv_heads;
  c["intermediate_size"] = hp.d_ff;
  c["vocab_size"] = hp.vocab_size;
  c["max_position_embeddings"] = hp.context_length;
  c["rope_theta"] = hp.rope_theta;
  c["rms_norm_eps"] = hp.norm_eps;
  c["tie_word_embeddings"] = hp.tie_embeddings;
  c["hidden_act"] = hp.ffn == "swiglu" ? "silu" : "relu2";
  c["torch_dtype"] = "float32";
  return c;
}

std::vector<TensorStats> export_model(const ConvModel& model, const Plan& plan, const std::filesystem::path& out,
                                      const ExportOptions& options) {
  std::vector<TensorStats> stats;
  const int64_t total = int64_t(plan.tensors.size());
  const bool gguf = plan.format == OutputFormat::gguf;
  formats::GgufWriter gw;
  formats::SafetensorsWriter sw;
  if (gguf) {
    const formats::GgufMetadata meta = gguf_metadata(model, plan);
    for (const auto& [key, value] : meta.entries()) gw.metadata().set(key, value);
  } else {
    sw.metadata()["format"] = "pt";
    sw.metadata()["trit.hf_config"] = hf_config(model).dump();
    if (model.tokenizer.size() > 0) sw.metadata()["trit.tokenizer"] = tokenizer_to_json_text(model.tokenizer);
    sw.metadata()["trit.version"] = model.provenance.trit_version.empty() ? "unknown" : model.provenance.trit_version;
    if (model.provenance.step >= 0) sw.metadata()["trit.training_step"] = std::to_string(model.provenance.step);
    sw.metadata()["trit.source"] = model.provenance.source;
  }
  float pending_scale = 1.0f;
  for (int64_t i = 0; i < total; ++i) {
    const PlannedTensor& p = plan.tensors[size_t(i)];
    std::vector<int64_t> ne(p.shape.rbegin(), p.shape.rend());
    if (p.scale_of) {
      gw.add_tensor(p.name, uint32_t(ggml_type_id(QuantType::F32)), {1}, scale_bytes(pending_scale));
    } else {
      const bool quantized = quant_block_size(p.type) > 1 || p.type != QuantType::F32;
      Encoded e = encode(p, model.hp, gguf, options.n_threads, options.stats && quantized);
      if (options.stats && quantized) stats.push_back(measure(p, e, options.n_threads));
      pending_scale = e.scale;
      if (gguf) gw.add_tensor(p.name, uint32_t(ggml_type_id(p.type)), std::move(ne), std::move(e.bytes));
      else sw.add_tensor(p.name, safetensors_dtype(p.type), p.shape, std::move(e.bytes));
    }
    if (options.on_tensor) options.on_tensor(i + 1, total);
  }
  if (gguf) gw.write(out);
  else sw.write(out);
  return stats;
}

}  // namespace trit::convert

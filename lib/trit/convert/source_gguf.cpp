// A GGUF file of architecture bitnet or llama as the converter's model: hyperparameters from
// the architecture keys, tensors dequantized, tokenizer and trit.* keys carried over.
#include <cmath>
#include <cstring>

#include "trit/convert/names.h"
#include "trit/convert/source.h"
#include "trit/core/error.h"
#include "trit/formats/gguf_reader.h"
#include "trit/formats/quant_type.h"

namespace trit::convert {
namespace {

// An integer key of any integer type (writers differ: u32, i32, u64 ...).
int64_t get_int(const formats::GgufMetadata& m, const std::string& key, const std::string& where,
                std::optional<int64_t> fallback = std::nullopt) {
  const formats::GgufValue* v = m.find(key);
  if (v == nullptr) {
    TRIT_CHECK(fallback.has_value(), where, ": metadata key ", key, " is missing");
    return *fallback;
  }
  return std::visit(
      [&](const auto& x) -> int64_t {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) return int64_t(x);
        else fail(where, ": metadata key ", key, " has type ", formats::gguf_type_name(v->type()), ", expected an integer");
      },
      v->data());
}

double get_float(const formats::GgufMetadata& m, const std::string& key, const std::string& where, double fallback) {
  const formats::GgufValue* v = m.find(key);
  if (v == nullptr) return fallback;
  if (const float* f = v->get_if<float>()) return *f;
  if (const double* d = v->get_if<double>()) return *d;
  fail(where, ": metadata key ", key, " has type ", formats::gguf_type_name(v->type()), ", expected f32");
}

std::string get_string(const formats::GgufMetadata& m, const std::string& key, const std::string& fallback) {
  const formats::GgufValue* v = m.find(key);
  const std::string* s = v ? v->get_if<std::string>() : nullptr;
  return s ? *s : fallback;
}

}  // namespace

ConvModel load_gguf_source(const std::filesystem::path& path) {
  const std::string where = path.string();
  const formats::GgufReader reader(path);
  const formats::GgufMetadata& meta = reader.metadata();
  const std::string arch = get_string(meta, "general.architecture", "");
  TRIT_CHECK(arch == "bitnet" || arch == "llama", where, ": architecture '", arch,
             "' cannot be converted (trit-convert reads bitnet and llama)");
  ConvModel m;
  Hparams& hp = m.hp;
  hp.family = arch == "bitnet" ? "bitnet" : "transformer";
  hp.d_model = get_int(meta, arch + ".embedding_length", where);
  hp.n_layers = get_int(meta, arch + ".block_count", where);
  hp.n_heads = get_int(meta, arch + ".attention.head_count", where);
  hp.n_kv_heads = get_int(meta, arch + ".attention.head_count_kv", where, hp.n_heads);
  hp.d_ff = get_int(meta, arch + ".feed_forward_length", where);
  hp.context_length = get_int(meta, arch + ".context_length", where);
  hp.rope_theta = get_float(meta, arch + ".rope.freq_base", where, 10000.0);
  hp.norm_eps = get_float(meta, arch + ".attention.layer_norm_rms_epsilon", where, 1e-5);
  hp.ffn = get_string(meta, "trit.model.ffn", "swiglu");
  hp.tie_embeddings = reader.find_tensor("output.weight") == nullptr;
  const formats::GgufTensorInfo& emb = reader.tensor("token_embd.weight");
  TRIT_CHECK(emb.shape.size() == 2, where, ": token_embd.weight is not a matrix");
  hp.vocab_size = emb.shape[1];
  hp.validate(where);
  TRIT_CHECK(get_int(meta, arch + ".rope.dimension_count", where, hp.head_dim()) == hp.head_dim(), where,
             ": rope.dimension_count differs from the head dimension (partial RoPE is not supported)");

  for (const auto& [key, value] : meta.entries())
    if (key.rfind("tokenizer.", 0) == 0) m.tokenizer.set(key, value);
  m.provenance.source = where;
  m.provenance.trit_version = get_string(meta, "trit.version", "");
  m.provenance.step = get_int(meta, "trit.training_step", where, -1);

  // .scale tensors first: they turn a bitnet projection into its exact ternary form.
  std::vector<std::string> scales;
  for (const formats::GgufTensorInfo& info : reader.tensors()) {
    const std::string& name = info.name;
    const bool is_scale = name.size() > 6 && name.compare(name.size() - 6, 6, ".scale") == 0;
    if (is_scale) {
      scales.push_back(name);
      continue;
    }
    const auto mapped = to_gguf_name(name, NameStyle::gguf);
    TRIT_CHECK(mapped.has_value(), where, ": tensor ", name, " is not part of a ", arch, " model trit-convert knows");
    const QuantType type = quant_type_from_ggml(int32_t(info.type));
    ConvTensor t;
    t.name = name;
    for (auto it = info.shape.rbegin(); it != info.shape.rend(); ++it) t.shape.push_back(*it);
    t.values.resize(size_t(t.numel()));
    const auto bytes = reader.tensor_data(info);
    dequantize_rows(type, reinterpret_cast<const uint8_t*>(bytes.data()), t.n_rows(), t.n_cols(), t.values.data());
    t.source_type = std::string(quant_name(type));
    t.ternary = hp.bitnet() && is_projection(name);
    if (!hp.bitnet() && (is_rope_query(name) || is_rope_key(name)))
      unpermute_rope_rows(t.values, is_rope_query(name) ? hp.n_heads : hp.n_kv_heads, hp.head_dim(), t.n_cols());
    m.tensors.push_back(std::move(t));
  }
  for (const std::string& sname : scales) {
    const std::string wname = sname.substr(0, sname.size() - 6) + ".weight";
    const formats::GgufTensorInfo& info = reader.tensor(sname);
    TRIT_CHECK(hp.bitnet() && is_projection(wname), where, ": tensor ", sname, " scales no bitnet projection");
    TRIT_CHECK(info.type == 0 && info.n_bytes == 4, where, ": tensor ", sname, " must be one F32 value");
    float scale;
    std::memcpy(&scale, reader.tensor_data(info).data(), 4);
    TRIT_CHECK(std::isfinite(scale), where, ": tensor ", sname, " holds a non-finite scale");
    ConvTensor* w = nullptr;
    for (ConvTensor& t : m.tensors)
      if (t.name == wname) w = &t;
    TRIT_CHECK(w != nullptr, where, ": tensor ", sname, " has no weight ", wname);
    // Pure ternary blocks (d = 1): the exact form is the codes and this scale. Otherwise the
    // scale simply multiplies the weight, as llama.cpp applies it.
    bool pure = true;
    for (float v : w->values) pure = pure && (v == 0.0f || v == 1.0f || v == -1.0f);
    if (pure) {
      TernaryForm f;
      f.codes.reserve(w->values.size());
      for (float v : w->values) f.codes.push_back(int8_t(v));
      f.scale = scale;
      for (float& v : w->values) v *= scale;
      w->exact = std::move(f);
    } else {
      for (float& v : w->values) v *= scale;
    }
  }
  // A bitnet projection stored in a float type already holds the ternarized weights
  // codes * (1/sw): recover that form exactly (re-ternarizing would change the scale).
  for (ConvTensor& t : m.tensors) {
    if (!t.ternary || t.exact || t.lossy_source()) continue;
    float a = 0;
    bool ternary = true;
    for (float v : t.values) {
      if (v == 0.0f) continue;
      if (a == 0.0f) a = std::abs(v);
      if (std::abs(v) != a) {
        ternary = false;
        break;
      }
    }
    if (!ternary || a == 0.0f) continue;
    TernaryForm f;
    f.scale = a;
    f.codes.reserve(t.values.size());
    for (float v : t.values) f.codes.push_back(int8_t(v > 0 ? 1 : v < 0 ? -1 : 0));
    t.exact = std::move(f);
  }
  order_and_check(m.tensors, hp, where);
  return m;
}

}  // namespace trit::convert

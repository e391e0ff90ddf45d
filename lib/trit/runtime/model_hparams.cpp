#include "trit/runtime/model_hparams.h"

#include <cmath>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "trit/core/error.h"

namespace trit::runtime {
namespace {

// A count key: u32 as llama.cpp writes it (other integer widths are accepted too).
int64_t read_count(const formats::GgufMetadata& md, const std::string& key, const std::string& file,
                   std::optional<int64_t> fallback = std::nullopt) {
  const formats::GgufValue* v = md.find(key);
  if (v == nullptr) {
    TRIT_CHECK(fallback.has_value(), file, ": metadata key '", key, "' is missing");
    return *fallback;
  }
  int64_t out = -1;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) out = int64_t(x);
      },
      v->data());
  TRIT_CHECK(out > 0, file, ": metadata key '", key, "' must be a positive integer (type ",
             formats::gguf_type_name(v->type()), ")");
  return out;
}

float read_float(const formats::GgufMetadata& md, const std::string& key, const std::string& file,
                 std::optional<float> fallback = std::nullopt) {
  const formats::GgufValue* v = md.find(key);
  if (v == nullptr) {
    TRIT_CHECK(fallback.has_value(), file, ": metadata key '", key, "' is missing");
    return *fallback;
  }
  float out = NAN;
  if (const float* f = v->get_if<float>()) out = *f;
  if (const double* d = v->get_if<double>()) out = float(*d);
  TRIT_CHECK(std::isfinite(out) && out > 0, file, ": metadata key '", key,
             "' must be a positive float (type ", formats::gguf_type_name(v->type()), ")");
  return out;
}

std::string read_string(const formats::GgufMetadata& md, const std::string& key, const std::string& file,
                        std::optional<std::string> fallback = std::nullopt) {
  const formats::GgufValue* v = md.find(key);
  if (v == nullptr) {
    TRIT_CHECK(fallback.has_value(), file, ": metadata key '", key, "' is missing");
    return *fallback;
  }
  const std::string* s = v->get_if<std::string>();
  TRIT_CHECK(s != nullptr, file, ": metadata key '", key, "' must be a string (type ",
             formats::gguf_type_name(v->type()), ")");
  return *s;
}

}  // namespace

ModelHparams read_hparams(const formats::GgufReader& reader) {
  const std::string file = reader.path().string();
  const auto& md = reader.metadata();
  const formats::GgufValue* arch = md.find("general.architecture");
  TRIT_CHECK(arch && arch->get_if<std::string>(), file, ": metadata key 'general.architecture' (string) is missing");
  const std::string name = *arch->get_if<std::string>();
  ModelHparams h;
  if (name == "bitnet") {
    h.arch = ModelArch::bitnet;
  } else if (name == "llama") {
    h.arch = ModelArch::llama;
  } else if (name == "trix") {
    h.arch = ModelArch::trix;
  } else {
    fail(file, ": architecture '", name, "' is not supported (expected bitnet, llama or trix)");
  }
  const std::string p = name + ".";
  h.d_model = read_count(md, p + "embedding_length", file);
  h.n_layers = read_count(md, p + "block_count", file);
  h.d_ff = read_count(md, p + "feed_forward_length", file);
  h.n_heads = read_count(md, p + "attention.head_count", file);
  h.n_kv_heads = read_count(md, p + "attention.head_count_kv", file, h.n_heads);
  h.n_ctx = read_count(md, p + "context_length", file);
  h.norm_eps = read_float(md, p + "attention.layer_norm_rms_epsilon", file);
  h.rope_theta = read_float(md, p + "rope.freq_base", file, 10000.0f);
  TRIT_CHECK(h.d_model % h.n_heads == 0 && h.head_dim() % 2 == 0, file, ": embedding_length ", h.d_model,
             " must be head_count ", h.n_heads, " times an even head dim");
  TRIT_CHECK(h.n_heads % h.n_kv_heads == 0, file, ": head_count ", h.n_heads,
             " is not a multiple of head_count_kv ", h.n_kv_heads);
  const int64_t n_rot = read_count(md, p + "rope.dimension_count", file, h.head_dim());
  TRIT_CHECK(n_rot == h.head_dim(), file, ": rope.dimension_count ", n_rot, " differs from the head dim ",
             h.head_dim(), " (partial rotary embeddings are not supported)");
  if (h.arch == ModelArch::trix) {
    h.n_tiles = read_count(md, p + "expert_count", file);
    const int64_t used = read_count(md, p + "expert_used_count", file, 1);
    TRIT_CHECK(used == 1, file, ": metadata key '", p, "expert_used_count' is ", used,
               "; the trix runtime routes each token to exactly one tile");
    try {
      h.router = nn::parse_router_kind(read_string(md, p + "router", file));
    } catch (const Error& e) {
      if (std::string(e.what()).starts_with(file)) throw;
      fail(file, ": metadata key '", p, "router': ", e.what());
    }
    const std::string act = read_string(md, p + "ffn_activation", file, "swiglu");
    TRIT_CHECK(act == "swiglu" || act == "relu2_glu", file, ": metadata key '", p, "ffn_activation' is '", act,
               "' (valid: swiglu, relu2_glu)");
    h.relu2 = act == "relu2_glu";
  }
  const auto& emb = reader.tensor("token_embd.weight");
  TRIT_CHECK(emb.shape.size() == 2 && emb.shape[0] == h.d_model, file, ": token_embd.weight must be [",
             h.d_model, ", n_vocab]");
  h.n_vocab = emb.shape[1];
  return h;
}

}  // namespace trit::runtime

#include "trit/models/model.h"

#include "trit/core/error.h"

namespace trit::models {

// The one list of config fields: JSON names, members, and types derive from it.
#define TRIT_MODEL_FIELDS(X)                                                                  \
  X(family) X(vocab_size) X(d_model) X(n_layers) X(n_heads) X(n_kv_heads) X(d_ff) X(max_seq_len) \
  X(rope_theta) X(norm_eps) X(ffn) X(tie_embeddings) X(init_std)                              \
  X(n_tiles) X(d_tile) X(router) X(aux_loss_weight) X(router_prior) X(router_lr_scale)       \
  X(router_dense_grad)                                                                        \
  X(spectral_window) X(spectral_features) X(embedding) X(filter) X(attention_every)

nlohmann::json ModelConfig::to_json() const {
  nlohmann::json j;
#define X(f) j[#f] = f;
  TRIT_MODEL_FIELDS(X)
#undef X
  return j;
}

ModelConfig ModelConfig::from_json(const nlohmann::json& j) {
  TRIT_CHECK(j.is_object(), "model config must be a JSON object, got ", j.type_name());
  ModelConfig c;
  std::string valid;
#define X(f) valid += std::string(valid.empty() ? "" : ", ") + #f;
  TRIT_MODEL_FIELDS(X)
#undef X
  for (const auto& [key, value] : j.items()) {
    bool known = false;
#define X(f)                                                                                     \
  if (key == #f) {                                                                               \
    known = true;                                                                                \
    try {                                                                                        \
      value.get_to(c.f);                                                                         \
    } catch (const nlohmann::json::exception&) {                                                 \
      fail("model config: '" #f "' has the wrong type (", value.type_name(), ": ", value.dump(), ")"); \
    }                                                                                            \
  }
    TRIT_MODEL_FIELDS(X)
#undef X
    TRIT_CHECK(known, "model config: unknown key '", key, "' (valid: ", valid, ")");
  }
  c.validate();
  return c;
}

void ModelConfig::validate() const {
  TRIT_CHECK(vocab_size > 0, "model config: vocab_size must be positive, got ", vocab_size);
  TRIT_CHECK(d_model > 0 && n_layers > 0 && d_ff > 0 && max_seq_len > 0,
             "model config: d_model, n_layers, d_ff and max_seq_len must be positive");
  TRIT_CHECK(n_heads > 0 && d_model % n_heads == 0, "model config: d_model ", d_model,
             " must be a multiple of n_heads ", n_heads);
  TRIT_CHECK((d_model / n_heads) % 2 == 0, "model config: head dim ", d_model / n_heads, " must be even for RoPE");
  TRIT_CHECK(n_kv_heads > 0 && n_heads % n_kv_heads == 0, "model config: n_heads ", n_heads,
             " must be a multiple of n_kv_heads ", n_kv_heads);
  TRIT_CHECK(ffn == "swiglu" || ffn == "relu2_glu", "model config: ffn '", ffn, "' (valid: swiglu, relu2_glu)");
  TRIT_CHECK(n_tiles > 0 && d_tile > 0, "model config: n_tiles (", n_tiles, ") and d_tile (", d_tile, ") must be positive");
  TRIT_CHECK(router == "signature" || router == "learned" || router == "learned_st" || router == "hash",
             "model config: router '", router, "' (valid: signature, learned, learned_st, hash)");
  TRIT_CHECK(aux_loss_weight >= 0, "model config: aux_loss_weight must be >= 0, got ", aux_loss_weight);
  TRIT_CHECK(router_prior >= 0, "model config: router_prior must be >= 0, got ", router_prior);
  TRIT_CHECK(router_lr_scale > 0, "model config: router_lr_scale must be > 0, got ", router_lr_scale);
  const bool learned_router = router == "learned" || router == "learned_st";
  TRIT_CHECK(!router_dense_grad || learned_router,
             "model config: router_dense_grad needs a learned router (learned or learned_st), not '", router, "'");
  TRIT_CHECK(router_prior == 0 || learned_router, "model config: router_prior (", router_prior,
             ") needs a learned router (learned or learned_st), not '", router, "'");
}

}  // namespace trit::models

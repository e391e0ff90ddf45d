#pragma once
// Language models: a family name plus a config give a model (registry.h); every model maps
// token ids [B, T] to logits [B, T, V] and can decode incrementally with a KV cache.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "trit/nn/attention.h"
#include "trit/nn/module.h"

namespace trit::models {

// One config for every family; fields a family does not use keep their defaults.
struct ModelConfig {
  std::string family = "bitnet";  // bitnet | transformer
  int64_t vocab_size = 256;
  int64_t d_model = 128;
  int64_t n_layers = 4;
  int64_t n_heads = 4;
  int64_t n_kv_heads = 4;
  int64_t d_ff = 384;
  int64_t max_seq_len = 256;
  double rope_theta = 10000.0;
  double norm_eps = 1e-5;
  std::string ffn = "swiglu";  // swiglu | relu2_glu
  bool tie_embeddings = true;
  double init_std = 0.02;
  // trix: sparse FFN of n_tiles tiles of width d_tile, router signature | learned | learned_st
  // | hash, weight of the load-balancing loss (0: off), and for the learned routers the start
  // value of the per-token routing bias on each token's hash tile (0: no per-token bias) and
  // the router weights' learning-rate factor (trit/nn/tile_router.h).
  int64_t n_tiles = 16;
  int64_t d_tile = 64;
  std::string router = "signature";
  double aux_loss_weight = 0.01;
  double router_prior = 0.0;
  double router_lr_scale = 1.0;
  bool router_dense_grad = false;  // learned routers: batch-mean stand-ins for the tiles not run
  // byte_spectral (models/byte_spectral.h)
  int64_t spectral_window = 16;            // bytes in the DFT window of the spectral embedding
  std::string spectral_features = "both";  // magnitude | phase | both
  std::string embedding = "both";          // spectral | table | both
  std::string filter = "implicit";         // explicit | implicit long-convolution filters
  int64_t attention_every = 0;             // one attention block every K blocks (0: none)

  nlohmann::json to_json() const;
  // Reads the keys present in `j` over the defaults; unknown keys are an error naming them.
  static ModelConfig from_json(const nlohmann::json& j);
  void validate() const;  // throws naming the field
};

// Per-layer KV cache for incremental decoding.
struct KVCache {
  std::vector<nn::LayerCache> layers;
  int64_t length() const { return layers.empty() ? 0 : layers[0].length; }
  Tensor prefix;  // ids so far [B, capacity] i32, for models that recompute over the prefix (byte_spectral)
};

class LanguageModel : public nn::Module {
 public:
  explicit LanguageModel(ModelConfig config) : config_(std::move(config)) {}
  const ModelConfig& config() const { return config_; }
  // ids i32 [B, T] -> logits [B, T, V]. With a cache, ids are the newest tokens only.
  virtual Tensor forward(const Tensor& ids, KVCache* cache = nullptr) = 0;
  // A cache for `batch` sequences of up to `capacity` positions.
  virtual KVCache make_cache(int64_t batch, int64_t capacity) const = 0;
  // An auxiliary loss added to the LM loss in training (e.g. load balancing); undefined if none.
  virtual Tensor aux_loss() const { return Tensor(); }
  // Named scalars about the last training forward (e.g. routing statistics), for metrics.
  virtual std::vector<std::pair<std::string, double>> train_stats() const { return {}; }

 protected:
  ModelConfig config_;
};

}  // namespace trit::models

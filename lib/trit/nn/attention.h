#pragma once
// Causal self-attention block of the decoder (DESIGN.md's BitNet block, first half):
//   Attn(x) = Wo(subnorm(attention(RoPE(Wq x), RoPE(Wk x), Wv x)))
// with grouped-query heads, RoPE in the rotate-half layout, no biases, and the sub-norm only
// in the BitNet variant. Shapes: x [B, T, C] -> [B, T, C]; H heads of D = C / H dims, Hkv
// key/value heads. The input norm lives in the caller (it is shared by q, k and v).
#include <memory>

#include "trit/nn/module.h"
#include "trit/nn/projection.h"
#include "trit/nn/rms_norm.h"

namespace trit::nn {

struct AttentionConfig {
  int64_t d_model = 0;
  int64_t n_heads = 0;
  int64_t n_kv_heads = 0;
  bool ternary = true;   // BitLinear projections
  bool sub_norm = true;  // RMSNorm before the output projection (BitNet's SubLN)
  double rope_theta = 10000.0;
  double norm_eps = 1e-5;
  double init_std = 0.02;
  double out_init_std = 0.02;  // residual projection, usually scaled by 1/sqrt(2 n_layers)
};

// Keys and values of earlier positions for incremental decoding: [B, Hkv, capacity, D].
struct LayerCache {
  Tensor k, v;
  int64_t length = 0;
};

class CausalSelfAttention : public Module {
 public:
  CausalSelfAttention(const AttentionConfig& config, Generator& gen);
  // With a cache, x holds the T newest positions; their keys and values are appended.
  Tensor forward(const Tensor& x, LayerCache* cache = nullptr) const;
  const AttentionConfig& config() const { return config_; }

  template <typename M>
  std::shared_ptr<M> add_child(const std::string& name, std::shared_ptr<M> m) { return register_module(name, m); }

  Projection q, k, v, o;
  std::shared_ptr<RMSNorm> sub_norm;

 private:
  AttentionConfig config_;
};

}  // namespace trit::nn

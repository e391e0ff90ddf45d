#include "trit/nn/attention.h"

#include "trit/ops/ops.h"

namespace trit::nn {

CausalSelfAttention::CausalSelfAttention(const AttentionConfig& c, Generator& gen) : config_(c) {
  TRIT_CHECK(c.n_heads > 0 && c.d_model % c.n_heads == 0, "attention: d_model ", c.d_model,
             " is not a multiple of n_heads ", c.n_heads);
  TRIT_CHECK(c.n_kv_heads > 0 && c.n_heads % c.n_kv_heads == 0, "attention: n_heads ", c.n_heads,
             " is not a multiple of n_kv_heads ", c.n_kv_heads);
  const int64_t head_dim = c.d_model / c.n_heads;
  q = make_projection(*this, "q", c.d_model, c.d_model, c.ternary, c.init_std, gen);
  k = make_projection(*this, "k", c.d_model, c.n_kv_heads * head_dim, c.ternary, c.init_std, gen);
  v = make_projection(*this, "v", c.d_model, c.n_kv_heads * head_dim, c.ternary, c.init_std, gen);
  if (c.sub_norm) sub_norm = register_module("sub_norm", std::make_shared<RMSNorm>(RMSNormConfig{c.d_model, c.norm_eps}));
  o = make_projection(*this, "o", c.d_model, c.d_model, c.ternary, c.out_init_std, gen);
}

Tensor CausalSelfAttention::forward(const Tensor& x, LayerCache* cache) const {
  const int64_t B = x.size(0), T = x.size(1), C = config_.d_model;
  const int64_t H = config_.n_heads, Hkv = config_.n_kv_heads, D = C / H;
  const int64_t pos0 = cache ? cache->length : 0;
  // [B, T, H*D] -> [B, H, T, D]
  auto heads = [&](const Tensor& t, int64_t n) { return t.reshape({B, T, n, D}).transpose(1, 2); };
  Tensor qh = rope(heads(q(x), H), pos0, config_.rope_theta);
  Tensor kh = rope(heads(k(x), Hkv), pos0, config_.rope_theta);
  Tensor vh = heads(v(x), Hkv);
  if (cache) {
    TRIT_CHECK(!GradMode::enabled() || !x.requires_grad(), "attention: the KV cache is for inference; use NoGradGuard");
    TRIT_CHECK(pos0 + T <= cache->k.size(2), "attention: KV cache of ", cache->k.size(2), " positions is full (",
               pos0, " + ", T, ")");
    Tensor ks = cache->k.narrow(2, pos0, T), vs = cache->v.narrow(2, pos0, T);
    copy_(ks, kh);
    copy_(vs, vh);
    cache->length = pos0 + T;
    kh = cache->k.narrow(2, 0, pos0 + T);
    vh = cache->v.narrow(2, 0, pos0 + T);
  }
  Tensor y = causal_attention(qh, kh, vh).transpose(1, 2).reshape({B, T, C});
  if (sub_norm) y = sub_norm->forward(y);
  return o(y);
}

}  // namespace trit::nn

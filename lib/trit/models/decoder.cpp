#include "trit/models/decoder.h"

#include <cmath>

#include "trit/ops/ops.h"

namespace trit::models {

double residual_init_std(const ModelConfig& c) { return c.init_std / std::sqrt(2.0 * double(c.n_layers)); }

nn::AttentionConfig attention_config(const ModelConfig& c, bool ternary) {
  nn::AttentionConfig ac;
  ac.d_model = c.d_model;
  ac.n_heads = c.n_heads;
  ac.n_kv_heads = c.n_kv_heads;
  ac.ternary = ternary;
  ac.sub_norm = ternary;
  ac.rope_theta = c.rope_theta;
  ac.norm_eps = c.norm_eps;
  ac.init_std = c.init_std;
  ac.out_init_std = residual_init_std(c);
  return ac;
}

nn::GluFfnConfig glu_ffn_config(const ModelConfig& c, bool ternary) {
  nn::GluFfnConfig fc;
  fc.d_model = c.d_model;
  fc.d_ff = c.d_ff;
  fc.activation = nn::parse_glu_activation(c.ffn);
  fc.ternary = ternary;
  fc.sub_norm = ternary;
  fc.norm_eps = c.norm_eps;
  fc.init_std = c.init_std;
  fc.out_init_std = residual_init_std(c);
  return fc;
}

nn::LinearConfig head_config(const ModelConfig& c) {
  nn::LinearConfig hc;
  hc.in = c.d_model;
  hc.out = c.vocab_size;
  hc.bias = false;
  hc.init_std = c.init_std;
  return hc;
}

KVCache make_kv_cache(const ModelConfig& c, int64_t batch, int64_t capacity) {
  KVCache cache;
  const int64_t head_dim = c.d_model / c.n_heads;
  for (int64_t i = 0; i < c.n_layers; ++i) {
    nn::LayerCache lc;
    lc.k = Tensor::zeros({batch, c.n_kv_heads, capacity, head_dim});
    lc.v = Tensor::zeros({batch, c.n_kv_heads, capacity, head_dim});
    cache.layers.push_back(std::move(lc));
  }
  return cache;
}

DecoderBlock::DecoderBlock(const ModelConfig& c, bool ternary, Generator& gen) {
  attn_norm = register_module("attn_norm", std::make_shared<nn::RMSNorm>(nn::RMSNormConfig{c.d_model, c.norm_eps}));
  attn = register_module("attn", std::make_shared<nn::CausalSelfAttention>(attention_config(c, ternary), gen));
  ffn_norm = register_module("ffn_norm", std::make_shared<nn::RMSNorm>(nn::RMSNormConfig{c.d_model, c.norm_eps}));
  ffn = register_module("ffn", std::make_shared<nn::GluFfn>(glu_ffn_config(c, ternary), gen));
}

Tensor DecoderBlock::forward(const Tensor& x, nn::LayerCache* cache) const {
  const Tensor h = x + attn->forward(attn_norm->forward(x), cache);
  return h + ffn->forward(ffn_norm->forward(h));
}

Decoder::Decoder(const ModelConfig& c, bool ternary, Generator& gen) : LanguageModel(c), ternary_(ternary) {
  c.validate();
  tok_emb = register_module("tok_emb", std::make_shared<nn::Embedding>(nn::EmbeddingConfig{c.vocab_size, c.d_model, c.init_std}, gen));
  layers = register_module("layers", std::make_shared<nn::ModuleList<DecoderBlock>>());
  for (int64_t i = 0; i < c.n_layers; ++i) layers->push_back(std::make_shared<DecoderBlock>(c, ternary, gen));
  norm = register_module("norm", std::make_shared<nn::RMSNorm>(nn::RMSNormConfig{c.d_model, c.norm_eps}));
  if (!c.tie_embeddings) head = register_module("head", std::make_shared<nn::Linear>(head_config(c), gen));
}

Tensor Decoder::forward(const Tensor& ids, KVCache* cache) {
  TRIT_CHECK(ids.dim() == 2, "model: ids must be [B, T], got ", shape_str(ids.shape()));
  const int64_t pos = cache ? cache->length() : 0;
  TRIT_CHECK(pos + ids.size(1) <= config_.max_seq_len || cache, "model: sequence of ", ids.size(1),
             " tokens exceeds max_seq_len ", config_.max_seq_len);
  Tensor x = tok_emb->forward(ids);
  for (size_t i = 0; i < layers->size(); ++i) x = (*layers)[i].forward(x, cache ? &cache->layers[i] : nullptr);
  x = norm->forward(x);
  return head ? head->forward(x) : linear(x, tok_emb->weight);
}

KVCache Decoder::make_cache(int64_t batch, int64_t capacity) const {
  return make_kv_cache(config_, batch, capacity);
}

}  // namespace trit::models

#include "trit/models/byte_spectral.h"

#include <cmath>
#include <cstring>

#include "trit/ops/ops.h"

namespace trit::models {
namespace {

void validate_spectral(const ModelConfig& c) {
  c.validate();
  TRIT_CHECK(c.spectral_window >= 2 && c.spectral_window % 2 == 0, "model config: spectral_window ",
             c.spectral_window, " must be even and >= 2");
  TRIT_CHECK(c.attention_every >= 0, "model config: attention_every must be >= 0, got ", c.attention_every);
  nn::parse_spectral_features(c.spectral_features);
  nn::parse_embedding_mode(c.embedding);
  nn::parse_filter_kind(c.filter);
}

}  // namespace

HyenaBlock::HyenaBlock(const ModelConfig& c, Generator& gen) {
  const double out_std = residual_init_std(c);
  mix_norm = register_module("mix_norm", std::make_shared<nn::RMSNorm>(nn::RMSNormConfig{c.d_model, c.norm_eps}));
  nn::HyenaConfig hc;
  hc.d_model = c.d_model;
  hc.max_len = c.max_seq_len;
  hc.filter = nn::parse_filter_kind(c.filter);
  hc.ternary = true;
  hc.sub_norm = true;
  hc.norm_eps = c.norm_eps;
  hc.init_std = c.init_std;
  hc.out_init_std = out_std;
  mixer = register_module("mixer", std::make_shared<nn::HyenaMixer>(hc, gen));
  ffn_norm = register_module("ffn_norm", std::make_shared<nn::RMSNorm>(nn::RMSNormConfig{c.d_model, c.norm_eps}));
  ffn = register_module("ffn", std::make_shared<nn::GluFfn>(glu_ffn_config(c, true), gen));
}

Tensor HyenaBlock::forward(const Tensor& x) const {
  const Tensor h = x + mixer->forward(mix_norm->forward(x));
  return h + ffn->forward(ffn_norm->forward(h));
}

ByteSpectral::ByteSpectral(const ModelConfig& c, Generator& gen) : LanguageModel(c) {
  validate_spectral(c);
  nn::SpectralEmbeddingConfig ec;
  ec.n_vocab = c.vocab_size;
  ec.d_model = c.d_model;
  ec.window = c.spectral_window;
  ec.features = nn::parse_spectral_features(c.spectral_features);
  ec.mode = nn::parse_embedding_mode(c.embedding);
  ec.init_std = c.init_std;
  embed = register_module("embed", std::make_shared<nn::SpectralEmbedding>(ec, gen));
  layers = register_module("layers", std::make_shared<nn::ModuleList<nn::Module>>());
  for (int64_t i = 0; i < c.n_layers; ++i) {
    if (is_attention_layer(i)) {
      attention_.push_back(std::make_shared<DecoderBlock>(c, true, gen));
      hyena_.push_back(nullptr);
      layers->push_back(attention_.back());
    } else {
      hyena_.push_back(std::make_shared<HyenaBlock>(c, gen));
      attention_.push_back(nullptr);
      layers->push_back(hyena_.back());
    }
  }
  norm = register_module("norm", std::make_shared<nn::RMSNorm>(nn::RMSNormConfig{c.d_model, c.norm_eps}));
  if (!(embed->table && c.tie_embeddings)) {
    nn::LinearConfig hc;
    hc.in = c.d_model;
    hc.out = c.vocab_size;
    hc.bias = false;
    hc.init_std = c.init_std;
    head = register_module("head", std::make_shared<nn::Linear>(hc, gen));
  }
}

bool ByteSpectral::is_attention_layer(int64_t i) const {
  return config_.attention_every > 0 && (i + 1) % config_.attention_every == 0;
}

Tensor ByteSpectral::forward_full(const Tensor& ids) const {
  TRIT_CHECK(ids.dim() == 2, "model: ids must be [B, T], got ", shape_str(ids.shape()));
  TRIT_CHECK(ids.size(1) <= config_.max_seq_len, "model: sequence of ", ids.size(1), " tokens exceeds max_seq_len ",
             config_.max_seq_len);
  Tensor x = embed->forward(ids);
  for (size_t i = 0; i < hyena_.size(); ++i) x = hyena_[i] ? hyena_[i]->forward(x) : attention_[i]->forward(x, nullptr);
  x = norm->forward(x);
  return head ? head->forward(x) : linear(x, embed->table->weight);
}

Tensor ByteSpectral::forward(const Tensor& ids, KVCache* cache) {
  if (!cache) return forward_full(ids);
  TRIT_CHECK(ids.dim() == 2 && ids.dtype() == DType::i32, "model: ids must be i32 [B, T], got ",
             shape_str(ids.shape()));
  TRIT_CHECK(cache->prefix.defined() && !cache->layers.empty(), "byte_spectral: the cache was not made by this model");
  const int64_t B = cache->prefix.size(0), cap = cache->prefix.size(1), len = cache->length(), T = ids.size(1);
  TRIT_CHECK(ids.size(0) == B, "byte_spectral: cache holds ", B, " sequences, ids ", ids.size(0));
  TRIT_CHECK(len + T <= cap, "byte_spectral: cache of ", cap, " positions cannot take ", T, " more after ", len);
  const Tensor ic = contiguous(ids);
  int32_t* pp = cache->prefix.data<int32_t>();
  for (int64_t b = 0; b < B; ++b) std::memcpy(pp + b * cap + len, ic.data<int32_t>() + b * T, size_t(T) * 4);
  cache->layers[0].length = len + T;
  const Tensor logits = forward_full(contiguous(narrow(cache->prefix, 1, 0, len + T)));
  return narrow(logits, 1, len, T);
}

KVCache ByteSpectral::make_cache(int64_t batch, int64_t capacity) const {
  TRIT_CHECK(batch > 0 && capacity > 0 && capacity <= config_.max_seq_len, "byte_spectral: cache of ", capacity,
             " positions must be in [1, max_seq_len ", config_.max_seq_len, "]");
  KVCache cache;
  cache.layers.resize(1);  // carries the length
  cache.prefix = Tensor::zeros({batch, capacity}, DType::i32);
  return cache;
}

}  // namespace trit::models

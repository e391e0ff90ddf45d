#include "trit/models/trix.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "trit/models/decoder.h"
#include "trit/ops/ops.h"

namespace trit::models {

TrixBlock::TrixBlock(const ModelConfig& c, int64_t layer, Generator& gen) {
  const double out_std = residual_init_std(c);
  attn_norm = register_module("attn_norm", std::make_shared<nn::RMSNorm>(nn::RMSNormConfig{c.d_model, c.norm_eps}));
  attn = register_module("attn", std::make_shared<nn::CausalSelfAttention>(attention_config(c, true), gen));
  ffn_norm = register_module("ffn_norm", std::make_shared<nn::RMSNorm>(nn::RMSNormConfig{c.d_model, c.norm_eps}));
  nn::TileFfnConfig fc;
  fc.d_model = c.d_model;
  fc.d_tile = c.d_tile;
  fc.n_tiles = c.n_tiles;
  fc.router = nn::parse_router_kind(c.router);
  fc.layer = layer;
  fc.activation = nn::parse_glu_activation(c.ffn);
  fc.ternary = true;
  fc.norm_eps = c.norm_eps;
  fc.init_std = c.init_std;
  fc.out_init_std = out_std;
  fc.aux_loss_weight = c.aux_loss_weight;
  fc.vocab_size = c.vocab_size;
  fc.router_prior = c.router_prior;
  fc.router_lr_scale = c.router_lr_scale;
  fc.router_dense_grad = c.router_dense_grad;
  ffn = register_module("ffn", std::make_shared<nn::TileFfn>(fc, gen));
}

Tensor TrixBlock::forward(const Tensor& x, const Tensor& ids, nn::LayerCache* cache) const {
  const Tensor h = x + attn->forward(attn_norm->forward(x), cache);
  return h + ffn->forward(ffn_norm->forward(h), ids);
}

Trix::Trix(const ModelConfig& c, Generator& gen) : LanguageModel(c) {
  c.validate();
  tok_emb = register_module("tok_emb", std::make_shared<nn::Embedding>(nn::EmbeddingConfig{c.vocab_size, c.d_model, c.init_std}, gen));
  layers = register_module("layers", std::make_shared<nn::ModuleList<TrixBlock>>());
  for (int64_t i = 0; i < c.n_layers; ++i) layers->push_back(std::make_shared<TrixBlock>(c, i, gen));
  norm = register_module("norm", std::make_shared<nn::RMSNorm>(nn::RMSNormConfig{c.d_model, c.norm_eps}));
  if (!c.tie_embeddings) head = register_module("head", std::make_shared<nn::Linear>(head_config(c), gen));
}

Tensor Trix::forward(const Tensor& ids, KVCache* cache) {
  TRIT_CHECK(ids.dim() == 2, "model: ids must be [B, T], got ", shape_str(ids.shape()));
  const int64_t pos = cache ? cache->length() : 0;
  TRIT_CHECK(pos + ids.size(1) <= config_.max_seq_len || cache, "model: sequence of ", ids.size(1),
             " tokens exceeds max_seq_len ", config_.max_seq_len);
  Tensor x = tok_emb->forward(ids);
  for (size_t i = 0; i < layers->size(); ++i) x = (*layers)[i].forward(x, ids, cache ? &cache->layers[i] : nullptr);
  x = norm->forward(x);
  return head ? head->forward(x) : linear(x, tok_emb->weight);
}

KVCache Trix::make_cache(int64_t batch, int64_t capacity) const {
  return make_kv_cache(config_, batch, capacity);
}

Tensor Trix::aux_loss() const {
  Tensor total;
  for (const auto& block : *layers) {
    const Tensor a = block->ffn->last_aux_loss();
    if (a.defined()) total = total.defined() ? total + a : a;
  }
  return total;
}

std::vector<std::pair<std::string, double>> Trix::train_stats() const {
  std::vector<std::pair<std::string, double>> stats;
  double entropy = 0, dead = 0, max_share = 0;
  std::vector<std::pair<std::string, double>> per_tile;
  for (size_t l = 0; l < layers->size(); ++l) {
    const auto& counts = (*layers)[l].ffn->last_counts();
    if (counts.empty()) return {};
    int64_t total = 0, most = 0;
    for (int64_t c : counts) {
      total += c;
      most = std::max(most, c);
    }
    if (total == 0) return {};
    const double E = double(counts.size());
    double h = 0;
    for (size_t e = 0; e < counts.size(); ++e) {
      const double p = double(counts[e]) / double(total);
      if (p > 0) h -= p * std::log(p);
      if (counts[e] == 0) dead += 1;
      std::ostringstream key;
      key << "route_tokens.l" << l << ".t" << std::setw(2) << std::setfill('0') << e;
      per_tile.emplace_back(key.str(), double(counts[e]));
    }
    entropy += E > 1 ? h / std::log(E) : 1.0;
    max_share = std::max(max_share, double(most) * E / double(total));
  }
  const double L = double(layers->size());
  stats.emplace_back("route_entropy", entropy / L);
  stats.emplace_back("route_dead_tiles", dead / L);
  stats.emplace_back("route_max_share", max_share);
  stats.insert(stats.end(), per_tile.begin(), per_tile.end());
  return stats;
}

}  // namespace trit::models

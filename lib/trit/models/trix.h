#pragma once
// TriX family: the BitNet block (trit/models/decoder.h) with its FFN replaced by a sparse FFN
// of n_tiles ternary SwiGLU tiles of width d_tile, one tile per token (trit/nn/tile_ffn.h):
//   h = x + Wo(subnorm_a(Attn(...)));  out = h + TileFfn(n2(h), token ids)
// Parameters: tok_emb.weight, layers.<i>.{attn_norm, attn.{q,k,v,o,sub_norm}, ffn_norm,
// ffn.tiles.<e>.{gate,up,down,sub_norm}, ffn.router (learned router)}.weight, layers.<i>.ffn.router_prior
// (learned router with router_prior > 0), norm.weight.
// The head is tied to the token embedding (untied: head.weight).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "trit/models/model.h"
#include "trit/nn/attention.h"
#include "trit/nn/embedding.h"
#include "trit/nn/linear.h"
#include "trit/nn/rms_norm.h"
#include "trit/nn/tile_ffn.h"

namespace trit::models {

class TrixBlock : public nn::Module {
 public:
  TrixBlock(const ModelConfig& config, int64_t layer, Generator& gen);
  Tensor forward(const Tensor& x, const Tensor& ids, nn::LayerCache* cache) const;

  std::shared_ptr<nn::RMSNorm> attn_norm, ffn_norm;
  std::shared_ptr<nn::CausalSelfAttention> attn;
  std::shared_ptr<nn::TileFfn> ffn;
};

class Trix : public LanguageModel {
 public:
  Trix(const ModelConfig& config, Generator& gen);
  Tensor forward(const Tensor& ids, KVCache* cache = nullptr) override;
  KVCache make_cache(int64_t batch, int64_t capacity) const override;
  // Sum over layers of each layer's weighted load-balancing loss of the last forward.
  Tensor aux_loss() const override;
  // Routing of the last forward: route_entropy (mean over layers of the token distribution's
  // entropy / log E), route_dead_tiles (mean number of tiles that got no token),
  // route_max_share (largest tile share / mean share, max over layers), and
  // route_tokens.l<i>.t<e> (tokens per tile).
  std::vector<std::pair<std::string, double>> train_stats() const override;

  std::shared_ptr<nn::Embedding> tok_emb;
  std::shared_ptr<nn::ModuleList<TrixBlock>> layers;
  std::shared_ptr<nn::RMSNorm> norm;
  std::shared_ptr<nn::Linear> head;  // null when tied
};

}  // namespace trit::models

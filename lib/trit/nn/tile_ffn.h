#pragma once
// TriX sparse FFN: E tiles, each a gated FFN of width d_tile (nn::GluFfn: BitLinear gate, up,
// sub-norm, down), and a top-1 router (trit/nn/tile_router.h) that sends each token to one
// tile. Only the chosen tile runs for a token (grouped execution, trit/ops/grouped_ffn.h).
// x [..., C] -> [..., C]; the hash router also needs the token ids [...] of x's rows.
// Children: tiles.<e>.{gate,up,down,sub_norm}.weight, router.weight (learned router only), and
// router_prior [vocab, E] (learned router with router_prior > 0).
// After each forward the module keeps the routing counts of that batch and, in grad mode
// with a router that can learn from it, the load-balancing loss (times its weight).
#include <memory>
#include <vector>

#include "trit/nn/glu_ffn.h"
#include "trit/nn/linear.h"
#include "trit/nn/module.h"
#include "trit/nn/tile_router.h"

namespace trit::nn {

struct TileFfnConfig {
  int64_t d_model = 0;
  int64_t d_tile = 0;
  int64_t n_tiles = 0;
  RouterKind router = RouterKind::signature;
  int64_t layer = 0;  // mixed into the hash router's hash
  GluActivation activation = GluActivation::silu;
  bool ternary = true;
  double norm_eps = 1e-5;
  double init_std = 0.02;
  double out_init_std = 0.02;
  double aux_loss_weight = 0.01;
  int64_t vocab_size = 0;     // rows of router_prior
  double router_prior = 0.0;     // learned routers: start value of each token's hash-tile bias (0: none)
  double router_lr_scale = 1.0;  // learned routers: logits = s * x Wr^T with Wr ~ N(0, (init_std/s)^2)
  bool router_dense_grad = false;  // learned routers: gradient for the tiles not run (tile_router.h)
};

class TileFfn : public Module {
 public:
  TileFfn(const TileFfnConfig& config, Generator& gen);
  // ids: i32 of x's leading shape; needed by the hash router and the router prior (may be
  // undefined otherwise).
  Tensor forward(const Tensor& x, const Tensor& ids) const;
  // The tile each row of x [N, C] goes to, and the gate scale [N] (learned router) or undefined.
  std::vector<int32_t> route(const Tensor& x2d, const Tensor& ids, Tensor* gate_scale, Tensor* probs) const;
  const TileFfnConfig& config() const { return config_; }

  Tensor last_aux_loss() const { return last_aux_; }  // undefined when none
  const std::vector<int64_t>& last_counts() const { return last_counts_; }

  std::shared_ptr<ModuleList<GluFfn>> tiles;
  std::shared_ptr<Linear> router;  // learned router only
  Tensor router_prior;             // [vocab, E] per-token routing bias; undefined when off

  template <typename M>
  std::shared_ptr<M> add_child(const std::string& name, std::shared_ptr<M> m) { return register_module(name, m); }

 private:
  TileFfnConfig config_;
  mutable Tensor last_aux_;
  mutable std::vector<int64_t> last_counts_;
};

}  // namespace trit::nn

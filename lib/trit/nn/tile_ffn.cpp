#include "trit/nn/tile_ffn.h"

#include <cmath>

#include "trit/ops/grouped_ffn.h"
#include "trit/ops/ops.h"

namespace trit::nn {

TileFfn::TileFfn(const TileFfnConfig& c, Generator& gen) : config_(c) {
  TRIT_CHECK(c.d_model > 0 && c.d_tile > 0 && c.n_tiles > 0, "TileFfn: d_model (", c.d_model, "), d_tile (",
             c.d_tile, ") and n_tiles (", c.n_tiles, ") must be positive");
  tiles = register_module("tiles", std::make_shared<ModuleList<GluFfn>>());
  GluFfnConfig fc;
  fc.d_model = c.d_model;
  fc.d_ff = c.d_tile;
  fc.activation = c.activation;
  fc.ternary = c.ternary;
  fc.sub_norm = c.ternary;
  fc.norm_eps = c.norm_eps;
  fc.init_std = c.init_std;
  fc.out_init_std = c.out_init_std;
  for (int64_t e = 0; e < c.n_tiles; ++e) tiles->push_back(std::make_shared<GluFfn>(fc, gen));
  if (c.router == RouterKind::learned || c.router == RouterKind::learned_st) {
    LinearConfig rc;
    rc.in = c.d_model;
    rc.out = c.n_tiles;
    rc.bias = false;
    TRIT_CHECK(c.router_lr_scale > 0, "TileFfn: router_lr_scale must be positive, got ", c.router_lr_scale);
    rc.init_std = c.init_std / c.router_lr_scale;  // the start logits do not depend on the scale
    router = register_module("router", std::make_shared<Linear>(rc, gen));
    if (c.router_prior > 0) {
      TRIT_CHECK(c.vocab_size > 0, "TileFfn: router_prior needs vocab_size, got ", c.vocab_size);
      router_prior = register_parameter("router_prior", token_prior_init(c.vocab_size, c.n_tiles, c.layer, c.router_prior));
    }
  }
}

std::vector<int32_t> TileFfn::route(const Tensor& x2d, const Tensor& ids, Tensor* gate_scale, Tensor* probs) const {
  const int64_t N = x2d.size(0), E = config_.n_tiles;
  switch (config_.router) {
    case RouterKind::hash: {
      TRIT_CHECK(ids.defined() && ids.numel() == N && ids.dtype() == DType::i32,
                 "TriX hash router: needs the i32 token ids of the ", N, " rows");
      const auto v = ids.to_vector<int32_t>();
      std::vector<int32_t> tile(static_cast<size_t>(N));
      for (int64_t n = 0; n < N; ++n) tile[size_t(n)] = hash_tile(v[size_t(n)], config_.layer, E);
      return tile;
    }
    case RouterKind::signature: {
      std::vector<Tensor> ups;
      for (const auto& t : *tiles) ups.push_back(t->up.weight());
      const Tensor sig = tile_signatures(ups).to(x2d.dtype());  // [E, C], constant
      std::vector<int32_t> tile;
      {
        NoGradGuard no_grad;
        tile = argmax_rows(linear(x2d.detach(), sig));
      }
      // Probabilities only for the balance loss: softmax of the scores at temperature sqrt(C).
      if (probs) *probs = softmax(linear(x2d, sig) * (1.0 / std::sqrt(double(x2d.size(1)))), -1);
      return tile;
    }
    case RouterKind::learned:
    case RouterKind::learned_st: {
      Tensor logits = router->forward(x2d);  // [N, E]
      if (config_.router_lr_scale != 1.0) logits = logits * config_.router_lr_scale;
      if (router_prior.defined()) {
        TRIT_CHECK(ids.defined() && ids.numel() == N && ids.dtype() == DType::i32,
                   "TriX router prior: needs the i32 token ids of the ", N, " rows");
        logits = logits + embedding(router_prior, ids.reshape({N}));
      }
      const Tensor p = softmax(logits, -1);
      const std::vector<int32_t> tile = argmax_rows(p.detach());
      if (gate_scale) {
        const Tensor kept = gather(p, 1, Tensor::from_vector(tile, {N, 1}).to(p.device())).reshape({N});
        *gate_scale = config_.router == RouterKind::learned ? kept : (kept - kept.detach()) + 1.0;
      }
      if (probs) *probs = p;
      return tile;
    }
  }
  fail("TileFfn: unknown router");
}

Tensor TileFfn::forward(const Tensor& x, const Tensor& ids) const {
  TRIT_CHECK(x.dim() >= 1 && x.size(-1) == config_.d_model, "TileFfn: input ", shape_str(x.shape()),
             " does not end in d_model = ", config_.d_model);
  const int64_t N = x.numel() / config_.d_model;
  const Tensor x2d = x.reshape({N, config_.d_model});
  const bool want_aux = GradMode::enabled() && config_.aux_loss_weight > 0 && config_.router != RouterKind::hash;
  const bool dense_grad = GradMode::enabled() && config_.router_dense_grad && router;
  Tensor gate_scale, probs;
  const std::vector<int32_t> tile = route(x2d, ids, &gate_scale, want_aux || dense_grad ? &probs : nullptr);

  last_counts_.assign(size_t(config_.n_tiles), 0);
  for (int32_t e : tile) last_counts_[size_t(e)] += 1;
  last_aux_ = want_aux && N > 0 ? load_balance_loss(probs, last_counts_) * config_.aux_loss_weight : Tensor();

  std::vector<TileWeights> weights;
  for (const auto& t : *tiles)
    weights.push_back({t->gate.weight(), t->up.weight(), t->down.weight(),
                       t->sub_norm ? t->sub_norm->weight : Tensor()});
  GroupedFfnOptions o;
  o.ternary = config_.ternary;
  o.relu2 = config_.activation == GluActivation::relu2;
  o.norm_eps = config_.norm_eps;
  Tensor y = grouped_glu_ffn(x2d, weights, tile, gate_scale, o);
  // The stand-ins are tile outputs before the gate; the gate is the chosen (argmax) probability,
  // at least 1 / n_tiles, so dividing it out is safe.
  if (dense_grad) y = y + router_stand_in(probs, tile, y.detach() / gate_scale.detach().reshape({N, 1}));
  return y.reshape(x.shape());
}

}  // namespace trit::nn

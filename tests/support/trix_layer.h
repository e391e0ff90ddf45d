#pragma once
// Test helpers for the TriX runtime: a training-side nn::TileFfn with random weights (norms
// not all 1) and the runtime TileFfnLayer holding the same weights, packed as the GGUF path
// packs them (BitNet's ternary quantization of each tile's weights, its own scale).
#include <memory>
#include <string>
#include <vector>

#include "trit/core/rng.h"
#include "trit/nn/tile_ffn.h"
#include "trit/runtime/tile_ffn.h"

namespace trit::test {

// prior > 0 (learned routers): a router prior over `vocab` tokens, started at `prior` and then
// perturbed so that it is not the hash alone; lr_scale: the router's learning-rate factor.
inline std::shared_ptr<nn::TileFfn> random_tile_ffn(nn::RouterKind router, int64_t C, int64_t F, int64_t E,
                                                    uint64_t seed, int64_t layer = 0, bool relu2 = false,
                                                    double prior = 0, double lr_scale = 1, int64_t vocab = 0) {
  nn::TileFfnConfig c;
  c.d_model = C;
  c.d_tile = F;
  c.n_tiles = E;
  c.router = router;
  c.layer = layer;
  c.activation = relu2 ? nn::GluActivation::relu2 : nn::GluActivation::silu;
  c.init_std = 0.05;
  c.out_init_std = 0.05;
  c.router_prior = prior;
  c.router_lr_scale = lr_scale;
  c.vocab_size = vocab;
  Generator gen(seed);
  auto ffn = std::make_shared<nn::TileFfn>(c, gen);
  if (ffn->router_prior.defined()) {
    const Tensor noise = Tensor::randn(ffn->router_prior.shape(), gen);
    float* b = ffn->router_prior.data<float>();
    for (int64_t i = 0; i < ffn->router_prior.numel(); ++i) b[i] += float(prior) * 0.5f * noise.data<float>()[i];
  }
  for (const auto& t : *ffn->tiles) {
    const Tensor r = Tensor::rand({F}, gen);
    float* w = t->sub_norm->weight.data<float>();
    for (int64_t i = 0; i < F; ++i) w[i] = 0.5f + r.data<float>()[i];
  }
  return ffn;
}

inline runtime::LinearWeights pack(const Tensor& w) {
  const auto v = w.contiguous().to_vector<float>();
  return runtime::LinearWeights::from_packed(runtime::repack_from_float(v.data(), size_t(w.size(0)), size_t(w.size(1))));
}

inline runtime::TileFfnLayer runtime_tile_layer(const nn::TileFfn& ffn) {
  const nn::TileFfnConfig& c = ffn.config();
  runtime::TileFfnShape shape{size_t(c.d_model), size_t(c.d_tile), size_t(c.n_tiles),
                              c.activation == nn::GluActivation::relu2, float(c.norm_eps)};
  std::vector<runtime::TileFfnLayer::Tile> tiles;
  std::vector<float> sub_norm;
  std::vector<runtime::TernaryWeightsView> ups;
  for (const auto& t : *ffn.tiles) {
    tiles.push_back({pack(t->gate.weight()), pack(t->up.weight()), pack(t->down.weight())});
    const auto s = t->sub_norm->weight.to_vector<float>();
    sub_norm.insert(sub_norm.end(), s.begin(), s.end());
  }
  for (const auto& t : tiles) ups.push_back(t.up.ternary_view());
  std::vector<float> weights;
  if (c.router == nn::RouterKind::signature) weights = runtime::tile_signatures(ups);
  if (ffn.router) {
    weights = ffn.router->weight.to_vector<float>();
    for (float& w : weights) w = float(double(w) * c.router_lr_scale);  // as the export folds it
  }
  runtime::TileRouter router =
      runtime::make_tile_router(c.router, size_t(c.n_tiles), size_t(c.d_model), c.layer, std::move(weights));
  if (ffn.router_prior.defined()) router.token_prior = ffn.router_prior.to_vector<float>();
  return runtime::TileFfnLayer(shape, std::move(tiles), std::move(sub_norm), std::move(router));
}

}  // namespace trit::test

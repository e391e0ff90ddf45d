// The TriX runtime FFN (tile_ffn.h): grouped execution (each tile on its own rows) equals
// running every tile on every row and keeping the routed one, at any batch size and thread
// count; and the layer equals the training side's nn::TileFfn forward to float rounding.
#include <catch2/catch.hpp>

#include <cmath>

#include "support/trix_layer.h"
#include "trit/autograd/grad_mode.h"

using namespace trit;

namespace {

std::vector<int32_t> token_ids(size_t n) {
  std::vector<int32_t> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = int32_t((i * 7919 + 5) % 512);
  return ids;
}

// x + gate * tile_{tile[t]}(u[t]) with every tile run on every row, then masked.
std::vector<float> masked_reference(const runtime::TileFfnLayer& layer, const std::vector<float>& u,
                                    const std::vector<float>& x0, const std::vector<int32_t>& ids) {
  const size_t n = ids.size(), C = layer.shape().d_model, E = layer.shape().n_tiles;
  std::vector<int32_t> tile(n);
  std::vector<float> gate(n), scores(n * E);
  runtime::route_tokens(layer.router(), u.data(), n, C, ids.data(), tile.data(), gate.data(), scores.data(), nullptr);
  std::vector<float> x = x0;
  for (size_t e = 0; e < E; ++e) {
    const auto out = layer.tile_output(e, u.data(), n, C);
    for (size_t t = 0; t < n; ++t) {
      if (size_t(tile[t]) != e) continue;
      for (size_t j = 0; j < C; ++j) x[t * C + j] += out[t * C + j] * gate[t];
    }
  }
  return x;
}

}  // namespace

TEST_CASE("tile FFN: grouped execution equals every tile masked, any batch and thread count") {
  const int64_t C = 128, F = 64, E = 16;
  for (auto kind : {nn::RouterKind::signature, nn::RouterKind::learned, nn::RouterKind::hash}) {
    for (bool relu2 : {false, true}) {
      INFO(nn::router_kind_name(kind) << (relu2 ? " relu2" : " silu"));
      auto ffn = test::random_tile_ffn(kind, C, F, E, 31, 1, relu2);
      const runtime::TileFfnLayer layer = test::runtime_tile_layer(*ffn);
      for (size_t n : {size_t(1), size_t(3), size_t(77)}) {
        for (size_t threads : {size_t(1), size_t(2)}) {
          INFO(n << " rows, " << threads << " threads");
          Generator gen(n + 100);
          const auto u = Tensor::randn({int64_t(n), C}, gen).to_vector<float>();
          const auto x0 = Tensor::randn({int64_t(n), C}, gen).to_vector<float>();
          const auto ids = token_ids(n);
          runtime::ThreadPool pool(threads);
          runtime::TileFfnScratch scratch(80, layer.shape());
          std::vector<float> x = x0;
          layer.forward(u.data(), C, ids.data(), n, x.data(), C, scratch, &pool);
          CHECK(x == masked_reference(layer, u, x0, ids));  // the same kernels on the same rows: bit for bit
        }
      }
    }
  }
}

TEST_CASE("tile FFN: the runtime layer equals the training side's TileFfn forward") {
  const int64_t C = 256, F = 64, E = 8, N = 50;
  for (auto kind : {nn::RouterKind::signature, nn::RouterKind::learned, nn::RouterKind::learned_st,
                    nn::RouterKind::hash}) {
    INFO(nn::router_kind_name(kind));
    auto ffn = test::random_tile_ffn(kind, C, F, E, 41, 0);
    const runtime::TileFfnLayer layer = test::runtime_tile_layer(*ffn);
    Generator gen(77);
    const Tensor u = Tensor::randn({N, C}, gen);
    const auto ids = token_ids(size_t(N));
    NoGradGuard no_grad;
    const auto expected = ffn->forward(u, Tensor::from_vector(ids, {N})).to_vector<float>();
    std::vector<float> got(size_t(N * C), 0.0f);
    runtime::TileFfnScratch scratch(size_t(N), layer.shape());
    runtime::ThreadPool pool(2);
    layer.forward(u.to_vector<float>().data(), C, ids.data(), size_t(N), got.data(), C, scratch, &pool);
    double diff = 0, scale = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      diff += std::fabs(double(got[i]) - double(expected[i]));
      scale += std::fabs(double(expected[i]));
    }
    CHECK(scale > 0);
    CHECK(diff / scale < 1e-5);
  }
}

TEST_CASE("tile FFN: a batch larger than the scratch is refused") {
  auto ffn = test::random_tile_ffn(nn::RouterKind::hash, 32, 16, 4, 3);
  const runtime::TileFfnLayer layer = test::runtime_tile_layer(*ffn);
  runtime::TileFfnScratch scratch(2, layer.shape());
  std::vector<float> u(3 * 32, 0.5f), x(3 * 32, 0.0f);
  const auto ids = token_ids(3);
  CHECK_THROWS_WITH(layer.forward(u.data(), 32, ids.data(), 3, x.data(), 32, scratch, nullptr),
                    Catch::Contains("exceed the scratch"));
}

// The TriX runtime's routing (tile_routing.h) against the training side's routers
// (nn::TileFfn::route): the same tile for every token and the same gate scale.
#include <catch2/catch.hpp>

#include "support/trix_layer.h"
#include "trit/autograd/grad_mode.h"
#include "trit/runtime/tile_routing.h"

using namespace trit;

namespace {

struct Routed {
  std::vector<int32_t> tile;
  std::vector<float> gate;
};

Routed route_runtime(const runtime::TileRouter& r, const std::vector<float>& x, const std::vector<int32_t>& ids,
                     runtime::ThreadPool* pool) {
  const size_t n = ids.size();
  Routed out{std::vector<int32_t>(n), std::vector<float>(n)};
  std::vector<float> scores(n * r.n_tiles);
  runtime::route_tokens(r, x.data(), n, r.d_model, ids.data(), out.tile.data(), out.gate.data(), scores.data(), pool);
  return out;
}

}  // namespace

TEST_CASE("tile routing: every router kind picks the training side's tile and gate") {
  const int64_t C = 96, F = 32, N = 300;
  runtime::ThreadPool pool(2);
  // E = 8, 40, 72: the one-row path's scalar tail, 32-tile and 64-tile vector blocks.
  for (int64_t E : {8, 40, 72})
  for (auto kind : {nn::RouterKind::signature, nn::RouterKind::learned, nn::RouterKind::learned_st,
                    nn::RouterKind::hash}) {
    INFO(nn::router_kind_name(kind) << ", " << E << " tiles");
    auto ffn = test::random_tile_ffn(kind, C, F, E, 21, /*layer=*/3);
    const runtime::TileFfnLayer layer = test::runtime_tile_layer(*ffn);
    Generator gen(5);
    const Tensor x = Tensor::randn({N, C}, gen);
    std::vector<int32_t> ids(static_cast<size_t>(N));
    for (int64_t i = 0; i < N; ++i) ids[size_t(i)] = int32_t((i * 37 + 11) % 1000);
    NoGradGuard no_grad;
    Tensor gate_scale;
    const auto expected = ffn->route(x, Tensor::from_vector(ids, {N}), &gate_scale, nullptr);
    const auto got = route_runtime(layer.router(), x.to_vector<float>(), ids, &pool);
    CHECK(got.tile == expected);
    // One row at a time (generation: the router's scores take the small-batch path).
    const auto xv = x.to_vector<float>();
    for (int64_t i = 0; i < N; i += 7) {
      const std::vector<float> row(xv.begin() + i * C, xv.begin() + (i + 1) * C);
      const auto one = route_runtime(layer.router(), row, {ids[size_t(i)]}, nullptr);
      CHECK(one.tile[0] == expected[size_t(i)]);
      CHECK(one.gate[0] == Approx(got.gate[size_t(i)]).epsilon(1e-6));
    }
    const auto want_gate = gate_scale.defined() ? gate_scale.to_vector<float>() : std::vector<float>(size_t(N), 1.0f);
    for (int64_t i = 0; i < N; ++i) CHECK(got.gate[size_t(i)] == Approx(want_gate[size_t(i)]).epsilon(1e-6));
    // The routes are not degenerate (a router sending every token to one tile proves little).
    std::vector<int> used(size_t(E), 0);
    for (int32_t t : got.tile) used[size_t(t)] = 1;
    CHECK(std::count(used.begin(), used.end(), 1) >= 3);
  }
}

TEST_CASE("tile routing: the router prior and the router's learning-rate factor route as in training") {
  const int64_t C = 64, F = 16, E = 40, N = 200, vocab = 300;
  for (auto kind : {nn::RouterKind::learned, nn::RouterKind::learned_st}) {
    INFO(nn::router_kind_name(kind));
    // prior 0.3 with noise of half that: the router weights and the prior both decide.
    auto ffn = test::random_tile_ffn(kind, C, F, E, 33, /*layer=*/1, false, /*prior=*/0.3, /*lr_scale=*/0.1, vocab);
    REQUIRE(ffn->router_prior.defined());
    const runtime::TileFfnLayer layer = test::runtime_tile_layer(*ffn);
    Generator gen(8);
    const Tensor x = Tensor::randn({N, C}, gen);
    std::vector<int32_t> ids(static_cast<size_t>(N));
    for (int64_t i = 0; i < N; ++i) ids[size_t(i)] = int32_t((i * 53 + 7) % vocab);
    NoGradGuard no_grad;
    Tensor gate_scale;
    const auto expected = ffn->route(x, Tensor::from_vector(ids, {N}), &gate_scale, nullptr);
    const auto got = route_runtime(layer.router(), x.to_vector<float>(), ids, nullptr);
    CHECK(got.tile == expected);
    const auto want_gate = kind == nn::RouterKind::learned ? gate_scale.to_vector<float>() : std::vector<float>(N, 1.0f);
    for (int64_t i = 0; i < N; ++i) CHECK(got.gate[size_t(i)] == Approx(want_gate[size_t(i)]).epsilon(1e-5));
    // Both parts matter: without the prior the routes change, and they are not just the hash.
    runtime::TileRouter no_prior = layer.router();
    no_prior.token_prior.clear();
    CHECK(route_runtime(no_prior, x.to_vector<float>(), ids, nullptr).tile != expected);
    int64_t off_hash = 0;
    for (int64_t i = 0; i < N; ++i) off_hash += expected[size_t(i)] != nn::hash_tile(ids[size_t(i)], 1, E);
    CHECK(off_hash > 0);
    // A token outside the prior's vocabulary is an error, not a read past the table.
    const auto xv = x.to_vector<float>();
    const std::vector<float> row(xv.begin(), xv.begin() + C);
    CHECK_THROWS_WITH(route_runtime(layer.router(), row, {int32_t(vocab)}, nullptr), Catch::Contains("vocabulary"));
  }
}

TEST_CASE("tile routing: signatures are the signs of the ternary up weights' column sums") {
  auto ffn = test::random_tile_ffn(nn::RouterKind::signature, 64, 16, 4, 9);
  std::vector<Tensor> ups;
  for (const auto& t : *ffn->tiles) ups.push_back(t->up.weight());
  const auto expected = nn::tile_signatures(ups).to_vector<float>();
  const runtime::TileFfnLayer layer = test::runtime_tile_layer(*ffn);
  CHECK(layer.router().weights == expected);
  // A hand-made tile: columns summing to +2, -1 and 0.
  runtime::PackedTernary up(3, 3, 1.0f);
  const int8_t rows[3][3] = {{1, -1, 1}, {1, 0, -1}, {0, 0, 0}};
  for (size_t r = 0; r < 3; ++r) up.set_row(r, rows[r]);
  const runtime::TernaryWeightsView v = up.view();
  CHECK(runtime::tile_signatures({&v, 1}) == std::vector<float>{1.0f, -1.0f, 0.0f});
}

TEST_CASE("tile routing: the hash router is the training side's hash of (token, layer)") {
  runtime::TileRouter r = runtime::make_tile_router(nn::RouterKind::hash, 64, 4, 2, {});
  const std::vector<int32_t> ids{0, 1, 2, 255, 50000};
  const std::vector<float> x(ids.size() * 4, 0.0f);
  const auto got = route_runtime(r, x, ids, nullptr);
  for (size_t i = 0; i < ids.size(); ++i) CHECK(got.tile[i] == nn::hash_tile(ids[i], 2, 64));
  r.layer = 3;
  const auto other = route_runtime(r, x, ids, nullptr);
  CHECK(other.tile != got.tile);  // the layer is part of the hash
}

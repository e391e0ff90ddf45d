#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/autograd/autocast.h"
#include "trit/core/parallel.h"
#include "trit/ops/grouped_ffn.h"
#include "trit/ops/ops.h"

using namespace trit;
using trit::test::leaf;

namespace {

// E tiles of width F on C inputs, float64 leaves.
std::vector<TileWeights> make_tiles(int64_t E, int64_t C, int64_t F, bool sub_norm, uint64_t seed) {
  std::vector<TileWeights> tiles;
  for (int64_t e = 0; e < E; ++e) {
    TileWeights w;
    w.gate = leaf({F, C}, seed + 10 * uint64_t(e), 0.5);
    w.up = leaf({F, C}, seed + 10 * uint64_t(e) + 1, 0.5);
    w.down = leaf({C, F}, seed + 10 * uint64_t(e) + 2, 0.5);
    if (sub_norm) w.sub_norm = leaf({F}, seed + 10 * uint64_t(e) + 3, 0.3) + 1.0;
    if (sub_norm) w.sub_norm = w.sub_norm.detach().requires_grad_();
    tiles.push_back(w);
  }
  return tiles;
}

std::vector<Tensor> flat(const Tensor& x, const std::vector<TileWeights>& tiles, const Tensor& gate) {
  std::vector<Tensor> v{x};
  for (const auto& t : tiles) {
    v.insert(v.end(), {t.gate, t.up, t.down});
    if (t.sub_norm.defined()) v.push_back(t.sub_norm);
  }
  if (gate.defined()) v.push_back(gate);
  return v;
}

std::vector<TileWeights> unflat(const std::vector<Tensor>& v, size_t E, bool sub_norm) {
  std::vector<TileWeights> tiles;
  size_t i = 1;
  for (size_t e = 0; e < E; ++e) {
    TileWeights w{v[i], v[i + 1], v[i + 2], Tensor()};
    i += 3;
    if (sub_norm) w.sub_norm = v[i++];
    tiles.push_back(w);
  }
  return tiles;
}

}  // namespace

TEST_CASE("group_by_tile sorts tokens by tile, stably, with an inverse") {
  const std::vector<int32_t> tile{2, 0, 2, 1, 0, 2};
  const TileGroups g = group_by_tile(tile, 4);
  CHECK(g.perm == std::vector<int32_t>{1, 4, 3, 0, 2, 5});
  CHECK(g.offsets == std::vector<int64_t>{0, 2, 3, 6, 6});
  CHECK(g.count(3) == 0);
  for (size_t n = 0; n < tile.size(); ++n) CHECK(g.perm[size_t(g.inverse[n])] == int32_t(n));
  const std::vector<int32_t> bad{0, 4};
  CHECK_THROWS_WITH(group_by_tile(bad, 4), Catch::Contains("token 1 routed to tile 4 of 4"));
}

TEST_CASE("grouped FFN gradients match finite differences (full precision tiles, gate scale)") {
  const int64_t N = 7, C = 5, F = 3, E = 3;
  const std::vector<int32_t> tile{1, 0, 1, 2, 1, 0, 1};
  for (bool sub_norm : {false, true}) {
    const auto tiles = make_tiles(E, C, F, sub_norm, 7);
    const Tensor x = leaf({N, C}, 3);
    const Tensor gate = leaf({N}, 4, 0.2);
    GroupedFfnOptions o;
    o.ternary = false;
    CHECK_GRADIENTS(
        [&](const std::vector<Tensor>& v) { return grouped_glu_ffn(v[0], unflat(v, E, sub_norm), tile, v.back(), o); },
        flat(x, tiles, gate));
  }
}

TEST_CASE("grouped FFN equals the dense compute-every-tile-and-mask reference, forward and backward") {
  const int64_t N = 40, C = 16, F = 8, E = 6;
  std::vector<int32_t> tile(N);
  for (int64_t n = 0; n < N; ++n) tile[size_t(n)] = int32_t((n * 7 + n / 3) % (E - 1));  // tile E-1 gets nothing
  for (bool ternary : {true, false}) {
    for (bool with_gate : {false, true}) {
      INFO("ternary " << ternary << ", gate " << with_gate);
      GroupedFfnOptions o;
      o.ternary = ternary;
      auto run = [&](bool grouped) {
        const auto tiles = make_tiles(E, C, F, true, 11);
        const Tensor x = leaf({N, C}, 5);
        const Tensor gate = with_gate ? leaf({N}, 6) : Tensor();
        const Tensor y = grouped ? grouped_glu_ffn(x, tiles, tile, gate, o)
                                 : masked_glu_ffn_reference(x, tiles, tile, gate, o);
        sum(y * y).backward();
        std::vector<Tensor> out{y.detach()};
        for (const Tensor& t : flat(x, tiles, gate))
          out.push_back(t.grad().defined() ? t.grad() : Tensor::zeros(t.shape(), t.dtype()));
        return out;
      };
      const auto a = run(true), b = run(false);
      REQUIRE(a.size() == b.size());
      for (size_t i = 0; i < a.size(); ++i) {
        INFO("tensor " << i);
        trit::test::check_close(a[i], b[i], 1e-10, 1e-12);
      }
    }
  }
}

TEST_CASE("grouped FFN leaves unrouted tiles without gradient and checks its inputs") {
  const auto tiles = make_tiles(3, 4, 2, false, 1);
  const Tensor x = leaf({3, 4}, 2);
  GroupedFfnOptions o;
  const std::vector<int32_t> tile{0, 0, 2};
  sum(grouped_glu_ffn(x, tiles, tile, Tensor(), o)).backward();
  CHECK(tiles[0].gate.grad().defined());
  CHECK_FALSE(tiles[1].gate.grad().defined());
  CHECK(tiles[2].down.grad().defined());
  const std::vector<int32_t> short_route{0, 1};
  CHECK_THROWS_WITH(grouped_glu_ffn(x, tiles, short_route, Tensor(), o), Catch::Contains("2 routing choices for 3 tokens"));
  const Tensor wrong = leaf({3, 5}, 3);
  CHECK_THROWS_WITH(grouped_glu_ffn(wrong, tiles, tile, Tensor(), o), Catch::Contains("do not fit C = 5"));
  auto bad_norm = tiles;
  bad_norm[1].sub_norm = Tensor::ones({3}, DType::f64);
  CHECK_THROWS_WITH(grouped_glu_ffn(x, bad_norm, tile, Tensor(), o), Catch::Contains("tile 1 sub_norm [3] must be [F] = [2]"));
}

TEST_CASE("grouped FFN gives the same bits on one thread and on several (tiles run as parallel tasks)") {
  // float32 ternary tiles as in training, with and without bf16 autocast: a worker thread that
  // missed the caller's autocast would compute its tiles in float32 and differ here.
  const int64_t N = 300, C = 32, F = 16, E = 9;
  std::vector<int32_t> tile(N);
  for (int64_t n = 0; n < N; ++n) tile[size_t(n)] = int32_t((n * n + 3 * n) % (E - 1));  // uneven loads, one empty tile
  auto run = [&](int threads, bool autocast) {
    const int prev = max_threads();
    set_num_threads(threads);
    Generator g(21);
    std::vector<TileWeights> tiles;
    for (int64_t e = 0; e < E; ++e)
      tiles.push_back({Tensor::randn({F, C}, g).requires_grad_(), Tensor::randn({F, C}, g).requires_grad_(),
                       Tensor::randn({C, F}, g).requires_grad_(), (Tensor::ones({F}) * 1.5).requires_grad_()});
    const Tensor x = Tensor::randn({N, C}, g).requires_grad_();
    const Tensor gate = Tensor::rand({N}, g).requires_grad_();
    const AutocastGuard guard(DType::bf16, autocast);
    const Tensor y = grouped_glu_ffn(x, tiles, tile, gate, GroupedFfnOptions{});
    sum(y * y).backward();
    set_num_threads(prev);
    std::vector<Tensor> out{y.detach()};
    for (const Tensor& t : flat(x, tiles, gate))
      out.push_back(t.grad().defined() ? t.grad() : Tensor::zeros(t.shape(), t.dtype()));
    return out;
  };
  const auto f32 = run(1, false);
  for (const bool autocast : {false, true}) {
    INFO("autocast " << autocast);
    const auto serial = autocast ? run(1, true) : f32, parallel = run(4, autocast);
    REQUIRE(serial.size() == parallel.size());
    for (size_t i = 0; i < serial.size(); ++i) {
      INFO("tensor " << i);
      trit::test::check_close(parallel[i], serial[i], 0.0, 0.0);
    }
    if (autocast) CHECK(amax(abs(serial[0] - f32[0])).item() > 0.0);  // bf16 did change the result
  }
}

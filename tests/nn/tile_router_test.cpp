#include <catch2/catch.hpp>

#include <set>

#include "support/check.h"
#include "trit/nn/tile_router.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::nn;

TEST_CASE("tile signature is the sign of the column sums of the ternary up weight") {
  // mean|W| = 1 for both, so the ternary values are round(W) clamped.
  const Tensor w0 = Tensor::from_vector(std::vector<float>{1, -1, 0.2f, 1.8f,  //
                                                           1, -1, -0.1f, 0},
                                        {2, 4});
  const Tensor w1 = Tensor::from_vector(std::vector<float>{-1, 1, 1, -1,  //
                                                           -1, 1, -1, 1},
                                        {2, 4});
  const auto sig = tile_signatures({w0, w1}).to_vector<float>();
  // tile 0: ternary rows {1,-1,0,1} and {1,-1,0,0} -> sums {2,-2,0,1}; tile 1: {-2,2,0,0}.
  CHECK(sig == std::vector<float>{1, -1, 0, 1, -1, 1, 0, 0});
  CHECK_THROWS_WITH(tile_signatures({w0, Tensor::zeros({2, 3})}), Catch::Contains("tile 1"));
}

TEST_CASE("argmax_rows picks the largest score, lowest index on ties") {
  const Tensor s = Tensor::from_vector(std::vector<float>{0, 3, 3, 1, 5, -1, 2, 2, 0}, {3, 3});
  CHECK(argmax_rows(s) == std::vector<int32_t>{1, 1, 0});
}

TEST_CASE("hash routing is a fixed, spread-out function of token and layer") {
  CHECK(hash_tile(12345, 0, 64) == hash_tile(12345, 0, 64));
  // Pinned values: a change of the hash would silently change every trained hash model.
  // (splitmix64 of token * golden + (layer + 1) * c, computed independently in Python)
  CHECK(hash_tile(0, 0, 64) == 16);
  CHECK(hash_tile(1, 0, 64) == 50);
  CHECK(hash_tile(255, 3, 64) == 51);
  CHECK(hash_tile(12345, 0, 16) == 12);
  std::vector<int> counts(16, 0);
  int differ = 0;
  for (int t = 0; t < 1600; ++t) {
    const int32_t e = hash_tile(t, 0, 16);
    REQUIRE(e >= 0);
    REQUIRE(e < 16);
    counts[size_t(e)] += 1;
    differ += e != hash_tile(t, 1, 16);
  }
  for (int c : counts) CHECK((c > 60 && c < 140));  // 100 expected
  CHECK(differ > 1300);                            // layers route independently
}

TEST_CASE("load-balance loss is E * sum f_e P_e with gradient through P only") {
  Tensor logits = trit::test::leaf({4, 3}, 9);
  const Tensor p = softmax(logits, -1);
  const std::vector<int64_t> counts{2, 1, 1};
  const Tensor loss = load_balance_loss(p, counts);
  const auto pv = p.to_vector<double>();
  double expect = 0;
  for (int e = 0; e < 3; ++e) {
    double P = 0;
    for (int n = 0; n < 4; ++n) P += pv[size_t(n * 3 + e)] / 4;
    expect += 3.0 * double(counts[size_t(e)]) / 4.0 * P;
  }
  CHECK(loss.item() == Approx(expect).epsilon(1e-12));
  // Uniform routing and uniform probabilities give exactly 1, the loss's minimum.
  const Tensor u = Tensor::full({6, 3}, 1.0 / 3.0, DType::f64);
  CHECK(load_balance_loss(u, {2, 2, 2}).item() == Approx(1.0));
  CHECK_GRADIENTS([&](const std::vector<Tensor>& v) { return load_balance_loss(softmax(v[0], -1), counts); }, {logits});
}

TEST_CASE("router stand-in: zero in value; gradient <dL/dy, mean output of tile e> for the tiles not chosen") {
  // 5 rows, 3 tiles: rows 0, 2 -> tile 0; rows 1, 3, 4 -> tile 2; tile 1 idle.
  const std::vector<int32_t> tile{0, 2, 0, 2, 2};
  Tensor p = trit::test::leaf({5, 3}, 11);  // stands for the router's probabilities
  const Tensor out = trit::test::leaf({5, 4}, 12).detach();  // each row's own tile output
  const Tensor r = trit::test::leaf({5, 4}, 13).detach();    // dL/dy
  const Tensor s = router_stand_in(p, tile, out);
  REQUIRE(s.shape() == Shape{5, 4});
  for (double v : s.to_vector<double>()) CHECK(v == 0.0);
  sum(s * r).backward();
  const auto ov = out.to_vector<double>(), rv = r.to_vector<double>(), gp = p.grad().to_vector<double>();
  auto mean_out = [&](int32_t e, int64_t c) {
    double m = 0;
    int n_rows = 0;
    for (int64_t n = 0; n < 5; ++n)
      if (tile[size_t(n)] == e) m += ov[size_t(n * 4 + c)], n_rows += 1;
    return n_rows ? m / n_rows : 0.0;
  };
  for (int64_t n = 0; n < 5; ++n)
    for (int32_t e = 0; e < 3; ++e) {
      double expect = 0;
      if (e != tile[size_t(n)])
        for (int64_t c = 0; c < 4; ++c) expect += rv[size_t(n * 4 + c)] * mean_out(e, c);
      INFO("row " << n << " tile " << e);
      CHECK(gp[size_t(n * 3 + e)] == Approx(expect).margin(1e-12));
    }
  // The chosen tile's own term is the gate's business; the idle tile scores 0.
  CHECK(gp[1] == 0.0);
  CHECK_THROWS_WITH(router_stand_in(p, {0, 2, 0, 2, 3}, out), Catch::Contains("tile 3 of 3"));
  CHECK_THROWS_WITH(router_stand_in(p, {0, 2, 0}, out), Catch::Contains("do not agree"));
}

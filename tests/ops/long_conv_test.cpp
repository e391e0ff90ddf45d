#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

TEST_CASE("causal_conv by FFT equals direct convolution") {
  struct Case { int64_t B, T, C, K; };
  for (const auto& c : std::vector<Case>{{2, 16, 3, 16}, {1, 37, 4, 5}, {3, 9, 1, 20}, {2, 64, 5, 1}, {1, 1, 2, 3}}) {
    INFO("B " << c.B << " T " << c.T << " C " << c.C << " K " << c.K);
    const Tensor x = test::leaf({c.B, c.T, c.C}, 41).detach(), h = test::leaf({c.K, c.C}, 42).detach();
    test::check_close(causal_conv(x, h), causal_conv_direct(x, h), 1e-10, 1e-10);
    const Tensor xf = x.to(DType::f32), hf = h.to(DType::f32);
    test::check_close(causal_conv(xf, hf), causal_conv_direct(xf, hf), 1e-4, 1e-4);
  }
}

TEST_CASE("causal_conv: a unit impulse filter is the identity, a shifted impulse a delay") {
  const Tensor x = test::leaf({1, 10, 2}, 43).detach();
  Tensor h = Tensor::zeros({4, 2}, DType::f64);
  h.data<double>()[0] = 1.0;  // channel 0: identity
  h.data<double>()[3 * 2 + 1] = 1.0;  // channel 1: delay by 3
  const auto y = causal_conv(x, h).to_vector<double>(), xv = x.to_vector<double>();
  for (int64_t t = 0; t < 10; ++t) {
    CHECK(y[size_t(t * 2)] == Approx(xv[size_t(t * 2)]).margin(1e-12));
    CHECK(y[size_t(t * 2 + 1)] == Approx(t >= 3 ? xv[size_t((t - 3) * 2 + 1)] : 0.0).margin(1e-12));
  }
}

TEST_CASE("causal_conv gradients (float64 finite differences)") {
  Tensor x = test::leaf({2, 7, 3}, 44), h = test::leaf({7, 3}, 45), hs = test::leaf({3, 3}, 46),
         hl = test::leaf({12, 3}, 47);
  CHECK_GRADIENTS([](const In& a) { return causal_conv(a[0], a[1]); }, {x, h});
  CHECK_GRADIENTS([](const In& a) { return causal_conv(a[0], a[1]); }, {x, hs});
  CHECK_GRADIENTS([](const In& a) { return causal_conv(a[0], a[1]); }, {x, hl});  // taps past T: zero gradient
  // non-contiguous input
  Tensor xt = test::leaf({2, 3, 7}, 48);
  CHECK_GRADIENTS([](const In& a) { return causal_conv(transpose(a[0], 1, 2), a[1]); }, {xt, h});
}

// Through the FFT every output is a sum over all of the spectrum, so earlier outputs move by
// rounding (1e-16 relative in float64); a leak of the future would move them by O(1).
TEST_CASE("causal_conv is causal: changing x at t never changes outputs before t") {
  const int64_t T = 33;
  const Tensor x = test::leaf({1, T, 4}, 49).detach(), h = test::leaf({T, 4}, 50).detach();
  const auto base = causal_conv(x, h).to_vector<double>();
  for (int64_t t : {0, 5, 16, 32}) {
    Tensor x2 = x.clone();
    for (int64_t c = 0; c < 4; ++c) x2.data<double>()[t * 4 + c] += 1.0;
    const auto y = causal_conv(x2, h).to_vector<double>();
    for (int64_t s = 0; s < T * 4; ++s) {
      if (s < t * 4) REQUIRE(std::abs(y[size_t(s)] - base[size_t(s)]) < 1e-12);
    }
    CHECK(std::abs(y[size_t(t * 4)] - base[size_t(t * 4)]) > 1e-3);
  }
}

TEST_CASE("causal_conv checks its operands") {
  const Tensor x = Tensor::zeros({1, 4, 3}, DType::f64);
  CHECK_THROWS_WITH(causal_conv(x, Tensor::zeros({4, 2}, DType::f64)), Catch::Contains("filter must be [K, 3]"));
  CHECK_THROWS_WITH(causal_conv(Tensor::zeros({4, 3}, DType::f64), Tensor::zeros({4, 3}, DType::f64)),
                    Catch::Contains("[B, T, C]"));
  CHECK_THROWS_WITH(causal_conv(x, Tensor::zeros({4, 3})), Catch::Contains("f64"));
}

#include <catch2/catch.hpp>

#include <cmath>

#include "support/check.h"
#include "trit/nn/rms_norm.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::nn;
using In = std::vector<Tensor>;

TEST_CASE("RMSNorm forward matches a hand computation; weight starts at one") {
  RMSNorm norm(RMSNormConfig{2, 1e-5});
  CHECK(norm.weight.to_vector<float>() == std::vector<float>{1.0f, 1.0f});
  Tensor x = Tensor::from_vector<double>({3, 4, 0, -2}, {2, 2}).to(DType::f32);
  std::vector<float> y = norm.forward(x).to_vector<float>();
  const double r0 = std::sqrt(12.5 + 1e-5), r1 = std::sqrt(2.0 + 1e-5);
  CHECK(y[0] == Approx(3 / r0).epsilon(1e-6));
  CHECK(y[1] == Approx(4 / r0).epsilon(1e-6));
  CHECK(y[2] == 0.0f);
  CHECK(y[3] == Approx(-2 / r1).epsilon(1e-6));
  norm.load_state_dict({{"weight", Tensor::from_vector<float>({2.0f, 0.5f}, {2})}});
  y = norm.forward(x).to_vector<float>();
  CHECK(y[0] == Approx(6 / r0).epsilon(1e-6));
  CHECK(y[1] == Approx(2 / r0).epsilon(1e-6));

  RMSNorm plain(RMSNormConfig{2, 1e-5, false});
  CHECK(plain.named_parameters().empty());
  CHECK(plain.forward(x).to_vector<float>()[3] == Approx(-2 / r1).epsilon(1e-6));
}

TEST_CASE("RMSNorm gradients agree with finite differences in float64") {
  RMSNorm norm(RMSNormConfig{6, 1e-5, true, DType::f64});
  Generator gen(2);
  Tensor w = norm.weight;
  {
    NoGradGuard no_grad;
    copy_(w, Tensor::randn({6}, gen, DType::f64));
  }
  Tensor x = test::leaf({3, 6}, 9);
  CHECK_GRADIENTS([&](const In&) { return norm.forward(x); }, {x, norm.weight});
}

TEST_CASE("RMSNorm rejects bad configs and inputs") {
  CHECK_THROWS_WITH(RMSNorm(RMSNormConfig{0}), Catch::Contains("dim"));
  CHECK_THROWS_WITH(RMSNorm(RMSNormConfig{4, 0.0}), Catch::Contains("eps"));
  RMSNorm norm(RMSNormConfig{4});
  CHECK_THROWS_WITH(norm.forward(Tensor::zeros({2, 3})), Catch::Contains("dim = 4"));
}

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "support/cuda.h"
#include "trit/ops/ops.h"
#include "trit/optim/loss_scale.h"

using namespace trit;
using namespace trit::optim;

namespace {

Tensor param_with_grad(std::vector<float> g) {
  Tensor t = Tensor::zeros({int64_t(g.size())});
  t.requires_grad_(true);
  t.set_grad(Tensor::from_vector<float>(g, {int64_t(g.size())}));
  return t;
}

}  // namespace

TEST_CASE("scaled backward then unscale gives the true gradient") {
  DynamicLossScaler scaler(LossScalerConfig{1024.0});
  Tensor w = Tensor::from_vector<float>({1.0f, -2.0f}, {2});
  w.requires_grad_(true);
  scaler.scale(sum(w * w)).backward();
  CHECK(w.grad().to_vector<float>() == std::vector<float>{2048.0f, -4096.0f});
  CHECK(scaler.unscale({w}));
  CHECK(w.grad().to_vector<float>() == std::vector<float>{2.0f, -4.0f});
  scaler.update();
  CHECK(scaler.good_steps() == 1);
}

TEST_CASE("an overflow skips the step, leaves gradients and backs off; good steps grow the scale") {
  DynamicLossScaler scaler(LossScalerConfig{8.0, 2.0, 0.5, 2, 2.0});
  Tensor a = param_with_grad({1.0f, std::numeric_limits<float>::infinity()});
  Tensor b = param_with_grad({4.0f});
  CHECK_FALSE(scaler.unscale({a, b}));
  CHECK(b.grad().to_vector<float>()[0] == 4.0f);  // untouched
  scaler.update();
  CHECK(scaler.scale() == 4.0);
  CHECK(scaler.good_steps() == 0);
  for (int i = 0; i < 2; ++i) {
    Tensor c = param_with_grad({4.0f});
    CHECK(scaler.unscale({c}));
    scaler.update();
  }
  CHECK(scaler.scale() == 8.0);  // grown after growth_interval = 2 good steps
  CHECK(scaler.good_steps() == 0);
  for (int i = 0; i < 3; ++i) {
    Tensor d = param_with_grad({std::nanf("")});
    CHECK_FALSE(scaler.unscale({d}));
    scaler.update();
  }
  CHECK(scaler.scale() == 2.0);  // floored at min_scale
}

TEST_CASE("loss scaler state round-trips and misuse is reported") {
  DynamicLossScaler a(LossScalerConfig{16.0, 2.0, 0.5, 10});
  Tensor p = param_with_grad({1.0f});
  a.unscale({p});
  a.update();
  DynamicLossScaler b;
  b.load_state_dict(a.state_dict());
  CHECK(b.scale() == 16.0);
  CHECK(b.good_steps() == 1);
  CHECK_THROWS_WITH(a.update(), Catch::Contains("without unscale"));
  a.unscale({p});
  CHECK_THROWS_WITH(a.unscale({p}), Catch::Contains("twice"));
  CHECK_THROWS_WITH(b.load_state_dict({}), Catch::Contains("loss_scale.scale"));
  CHECK_THROWS_WITH(DynamicLossScaler(LossScalerConfig{0.0}), Catch::Contains("init_scale"));
}

TEST_CASE("the loss scaler finds inf and NaN in CUDA gradients and unscales them on the device") {
  TRIT_REQUIRE_GPU();
  const Device gpu = Device::cuda(0);
  auto on_gpu = [&](std::vector<float> g) {
    Tensor t = Tensor::zeros({int64_t(g.size())}, DType::f32, gpu);
    t.requires_grad_(true);
    t.set_grad(Tensor::from_vector<float>(g, {int64_t(g.size())}).to(gpu));
    return t;
  };
  DynamicLossScaler scaler(LossScalerConfig{8.0});
  Tensor a = on_gpu({16.0f, -8.0f});
  CHECK(scaler.unscale({a}));
  CHECK(a.grad().to_vector<float>() == std::vector<float>{2.0f, -1.0f});
  scaler.update();
  for (float bad : {std::numeric_limits<float>::infinity(), std::nanf("")}) {
    Tensor b = on_gpu({1.0f, bad, 2.0f});
    CHECK_FALSE(scaler.unscale({b}));
    scaler.update();
  }
}

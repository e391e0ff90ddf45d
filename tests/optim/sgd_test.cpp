#include <catch2/catch.hpp>

#include <vector>

#include "trit/optim/sgd.h"

using namespace trit;
using namespace trit::optim;

namespace {

Tensor param(std::vector<double> v) {
  Tensor t = Tensor::from_vector<double>(v, {int64_t(v.size())});
  t.requires_grad_(true).set_name("p");
  return t;
}

}  // namespace

TEST_CASE("plain SGD steps p - lr g") {
  Tensor p = param({1.0, 2.0});
  SGD opt({p}, SGDConfig{0.1});
  p.set_grad(Tensor::from_vector<double>({0.5, -1.0}, {2}));
  opt.step();
  CHECK(p.to_vector<double>()[0] == Approx(0.95).epsilon(1e-15));
  CHECK(p.to_vector<double>()[1] == Approx(2.1).epsilon(1e-15));
  CHECK(opt.state_dict().size() == 1);  // only "step": no momentum buffer
}

// lr 0.1, momentum 0.9, weight decay 0.01, p = (1, 2), g = (0.5, -1) at both steps:
// step 1: d = g + 0.01 p = (0.51, -0.98); b = d; p = (0.949, 2.098)
// step 2: d = (0.50949, -0.97902); b = 0.9 (0.51, -0.98) + d = (0.96849, -1.86102);
//         p = (0.852151, 2.284102)
TEST_CASE("SGD with momentum and weight decay matches two hand-computed steps") {
  Tensor p = param({1.0, 2.0});
  SGD opt({p}, SGDConfig{0.1, 0.9, 0.0, false, 0.01});
  for (int i = 0; i < 2; ++i) {
    p.set_grad(Tensor::from_vector<double>({0.5, -1.0}, {2}));
    opt.step();
    if (i == 0) {
      CHECK(p.to_vector<double>()[0] == Approx(0.949).epsilon(1e-14));
      CHECK(p.to_vector<double>()[1] == Approx(2.098).epsilon(1e-14));
    }
  }
  CHECK(p.to_vector<double>()[0] == Approx(0.852151).epsilon(1e-14));
  CHECK(p.to_vector<double>()[1] == Approx(2.284102).epsilon(1e-14));
  CHECK(opt.state_dict().at("p.momentum_buffer").to_vector<double>()[1] == Approx(-1.86102).epsilon(1e-14));
}

// Nesterov, lr 0.1, momentum 0.9, no decay: step 1 b = g, update g + 0.9 b = 1.9 g;
// step 2 b = 0.9 g + g = 1.9 g, update g + 0.9 * 1.9 g = 2.71 g. Total 4.61 g.
TEST_CASE("SGD with Nesterov momentum matches hand-computed steps") {
  Tensor p = param({1.0, 2.0});
  SGD opt({p}, SGDConfig{0.1, 0.9, 0.0, true, 0.0});
  p.set_grad(Tensor::from_vector<double>({0.5, -1.0}, {2}));
  opt.step();
  CHECK(p.to_vector<double>()[0] == Approx(1.0 - 0.1 * 1.9 * 0.5).epsilon(1e-14));
  p.set_grad(Tensor::from_vector<double>({0.5, -1.0}, {2}));
  opt.step();
  CHECK(p.to_vector<double>()[0] == Approx(1.0 - 0.1 * 4.61 * 0.5).epsilon(1e-14));
  CHECK(p.to_vector<double>()[1] == Approx(2.0 + 0.1 * 4.61).epsilon(1e-14));
}

TEST_CASE("SGD with dampening and float32 parameters") {
  Tensor p = Tensor::from_vector<float>({1.0f}, {1});
  p.requires_grad_(true);
  SGD opt({p}, SGDConfig{1.0, 0.5, 0.5, false, 0.0});
  for (int i = 0; i < 2; ++i) {
    p.set_grad(Tensor::from_vector<float>({1.0f}, {1}));
    opt.step();
  }
  // b1 = 1 (first step is not dampened), b2 = 0.5 * 1 + 0.5 * 1 = 1: p = 1 - 1 - 1.
  CHECK(p.to_vector<float>()[0] == -1.0f);
  CHECK_THROWS_WITH(SGD({p}, SGDConfig{0.1, 0.0, 0.0, true, 0.0}), Catch::Contains("nesterov"));
}

#include <catch2/catch.hpp>

#include <cmath>

#include "support/check.h"
#include "trit/nn/linear.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::nn;
using In = std::vector<Tensor>;

TEST_CASE("Linear forward matches a hand-computed product with bias") {
  Generator gen(1);
  Linear lin(LinearConfig{3, 2}, gen);
  lin.load_state_dict({{"weight", Tensor::from_vector<float>({1, 2, 3, -1, 0, 0.5f}, {2, 3})},
                       {"bias", Tensor::from_vector<float>({0.5f, -1}, {2})}});
  Tensor x = Tensor::from_vector<float>({1, 1, 1, 2, 0, -2}, {1, 2, 3});
  const std::vector<float> y = lin.forward(x).to_vector<float>();
  // row 0: (1+2+3) + 0.5, (-1+0+0.5) - 1;  row 1: (2-6) + 0.5, (-2-1) - 1
  CHECK(y == std::vector<float>{6.5f, -1.5f, -3.5f, -4.0f});
  CHECK(lin.forward(x).shape() == Shape{1, 2, 2});
}

TEST_CASE("Linear initialises weight N(0, std^2) deterministically, bias at zero") {
  Generator g1(3), g2(3);
  Linear a(LinearConfig{256, 128, true, 0.02}, g1), b(LinearConfig{256, 128, true, 0.02}, g2);
  const std::vector<float> w = a.weight.to_vector<float>();
  CHECK(w == b.weight.to_vector<float>());
  double s2 = 0;
  for (float v : w) s2 += double(v) * v;
  CHECK(std::sqrt(s2 / double(w.size())) == Approx(0.02).epsilon(0.02));
  CHECK(a.bias.to_vector<float>() == std::vector<float>(128, 0.0f));
  Linear nb(LinearConfig{4, 4, false}, g1);
  CHECK_FALSE(nb.bias.defined());
  CHECK(nb.named_parameters().size() == 1);
}

TEST_CASE("Linear gradients agree with finite differences in float64") {
  Generator gen(5);
  Linear lin(LinearConfig{5, 3, true, 0.5, DType::f64}, gen);
  Tensor x = test::leaf({2, 4, 5}, 6);
  CHECK_GRADIENTS([&](const In&) { return lin.forward(x); }, {x, lin.weight, lin.bias});
}

TEST_CASE("Linear names its weight when the input does not fit") {
  struct Net : Module {
    std::shared_ptr<Linear> proj;
    explicit Net(Generator& g) { proj = register_module("proj", std::make_shared<Linear>(LinearConfig{4, 2}, g)); }
  };
  Generator gen(1);
  Net net(gen);
  CHECK_THROWS_WITH(net.proj->forward(Tensor::zeros({3, 5})), Catch::Contains("'proj.weight'") &&
                                                                 Catch::Contains("[3, 5]"));
  CHECK_THROWS_WITH(Linear(LinearConfig{0, 2}, gen), Catch::Contains("positive"));
}

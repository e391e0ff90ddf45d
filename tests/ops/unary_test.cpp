#include <catch2/catch.hpp>

#include <cmath>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

TEST_CASE("unary op values") {
  Tensor x = Tensor::from_vector<double>({-1.5, 0.5, 2.0}, {3});
  test::check_close(relu2(x), Tensor::from_vector<double>({0, 0.25, 4}, {3}), 0, 1e-15);
  test::check_close(silu(x), x * sigmoid(x), 1e-15, 0);
  test::check_close(gelu(Tensor::from_vector<double>({1.0}, {1})), Tensor::from_vector<double>({0.8413447460685429}, {1}), 1e-12, 0);
  test::check_close(clamp(x, -1, 1), Tensor::from_vector<double>({-1, 0.5, 1}, {3}), 0, 0);
  test::check_close(rsqrt(Tensor::from_vector<double>({4.0}, {1})), Tensor::from_vector<double>({0.5}, {1}), 1e-15, 0);
}

TEST_CASE("unary op gradients") {
  Tensor x = test::leaf({2, 5}, 11);
  Tensor t = test::transposed_leaf(4, 3, 12);
  Tensor p = test::leaf({2, 5}, 13);
  {
    NoGradGuard g;
    Tensor v = abs(p) + 0.2;
    copy_(p, v);
  }
  for (const auto& [name, f] : std::vector<std::pair<const char*, GradcheckFn>>{
           {"neg", [](const In& a) { return neg(a[0]); }},
           {"exp", [](const In& a) { return exp(a[0]); }},
           {"tanh", [](const In& a) { return tanh(a[0]); }},
           {"sigmoid", [](const In& a) { return sigmoid(a[0]); }},
           {"relu", [](const In& a) { return relu(a[0]); }},
           {"relu2", [](const In& a) { return relu2(a[0]); }},
           {"silu", [](const In& a) { return silu(a[0]); }},
           {"gelu", [](const In& a) { return gelu(a[0]); }},
           {"abs", [](const In& a) { return abs(a[0]); }},
           {"clamp", [](const In& a) { return clamp(a[0], -0.5, 0.7); }},
           {"pow3", [](const In& a) { return pow(a[0], 3.0); }}}) {
    INFO(name);
    CHECK_GRADIENTS(f, {x});
    CHECK_GRADIENTS(f, {t});
  }
  CHECK_GRADIENTS([](const In& a) { return log(a[0]); }, {p});
  CHECK_GRADIENTS([](const In& a) { return sqrt(a[0]); }, {p});
  CHECK_GRADIENTS([](const In& a) { return rsqrt(a[0]); }, {p});
  CHECK_GRADIENTS([](const In& a) { return pow(a[0], 1.5); }, {p});
}

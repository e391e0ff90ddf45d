#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

TEST_CASE("binary ops broadcast") {
  Tensor a = Tensor::arange(6, DType::f32).reshape({2, 3});
  Tensor b = Tensor::from_vector<float>({10, 20, 30}, {3});
  CHECK((a + b).to_vector<float>() == std::vector<float>{10, 21, 32, 13, 24, 35});
  CHECK((a * Tensor::from_vector<float>({2, 3}, {2, 1})).to_vector<float>() == std::vector<float>{0, 2, 4, 9, 12, 15});
  CHECK_THROWS_WITH(a + Tensor::zeros({2}), Catch::Contains("do not broadcast"));
  CHECK_THROWS_WITH(a + Tensor::zeros({3}, DType::f64), Catch::Contains("dtypes differ"));
}

TEST_CASE("binary op gradients with broadcasting and non-contiguous inputs") {
  Tensor a = test::leaf({3, 4}, 1);
  Tensor b = test::leaf({4}, 2);
  Tensor c = test::leaf({3, 1}, 3);
  Tensor t = test::transposed_leaf(3, 4, 4);
  Tensor pos = test::leaf({3, 4}, 5);
  {
    NoGradGuard g;
    Tensor p = abs(pos) + 0.5;
    copy_(pos, p);
  }
  CHECK_GRADIENTS([](const In& x) { return x[0] + x[1]; }, {a, b});
  CHECK_GRADIENTS([](const In& x) { return x[0] - x[1]; }, {a, c});
  CHECK_GRADIENTS([](const In& x) { return x[0] * x[1]; }, {t, b});
  CHECK_GRADIENTS([](const In& x) { return x[0] / x[1]; }, {a, pos});
  CHECK_GRADIENTS([](const In& x) { return pow(x[0], x[1]); }, {pos, c});
  CHECK_GRADIENTS([](const In& x) { return 2.0 - x[0] / 3.0; }, {t});
}

TEST_CASE("in-place updates bump the storage version") {
  Tensor a = Tensor::zeros({3});
  const uint64_t v = a.storage()->version();
  add_(a, Tensor::ones({3}), 2.0);
  mul_(a, 0.5);
  CHECK(a.to_vector<float>() == std::vector<float>{1, 1, 1});
  fill_(a, 4);
  CHECK(a.to_vector<float>() == std::vector<float>{4, 4, 4});
  CHECK(a.storage()->version() == v + 3);
}

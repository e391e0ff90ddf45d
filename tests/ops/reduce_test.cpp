#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

TEST_CASE("reductions over dims") {
  Tensor x = Tensor::arange(6, DType::f32).reshape({2, 3});
  CHECK(sum(x).item() == 15);
  CHECK(sum(x, {0}).to_vector<float>() == std::vector<float>{3, 5, 7});
  CHECK(sum(x, {1}, true).shape() == Shape{2, 1});
  CHECK(mean(x, {-1}).to_vector<float>() == std::vector<float>{1, 4});
  CHECK(amax(x, {0}).to_vector<float>() == std::vector<float>{3, 4, 5});
  auto [v, i] = max(x, 1);
  CHECK(v.to_vector<float>() == std::vector<float>{2, 5});
  CHECK(i.to_vector<int32_t>() == std::vector<int32_t>{2, 2});
}

TEST_CASE("reduction gradients") {
  Tensor x = test::leaf({3, 4, 2}, 21);
  Tensor t = test::transposed_leaf(5, 3, 22);
  CHECK_GRADIENTS([](const In& a) { return sum(a[0]); }, {x});
  CHECK_GRADIENTS([](const In& a) { return sum(a[0], {0, 2}); }, {x});
  CHECK_GRADIENTS([](const In& a) { return mean(a[0], {1}, true); }, {x});
  CHECK_GRADIENTS([](const In& a) { return mean(a[0], {0}); }, {t});
  CHECK_GRADIENTS([](const In& a) { return amax(a[0], {1}); }, {x});
  CHECK_GRADIENTS([](const In& a) { return max(a[0], 0).first; }, {t});
}

TEST_CASE("amax shares the gradient among ties") {
  Tensor x = Tensor::from_vector<double>({1, 3, 3}, {3}).requires_grad_();
  amax(x).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{0, 0.5, 0.5});
}

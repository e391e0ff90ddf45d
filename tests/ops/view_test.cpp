#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

TEST_CASE("view op gradients") {
  Tensor x = test::leaf({2, 3, 4}, 31);
  Tensor t = test::transposed_leaf(4, 6, 32);
  Tensor b = test::leaf({3, 1}, 33);
  CHECK_GRADIENTS([](const In& a) { return a[0].reshape({6, 4}) * 2.0; }, {x});
  CHECK_GRADIENTS([](const In& a) { return a[0].reshape({24}); }, {t});
  CHECK_GRADIENTS([](const In& a) { return a[0].permute({2, 0, 1}).contiguous(); }, {x});
  CHECK_GRADIENTS([](const In& a) { return a[0].narrow(1, 1, 2); }, {x});
  CHECK_GRADIENTS([](const In& a) { return select(a[0], 0, 1); }, {x});
  CHECK_GRADIENTS([](const In& a) { return a[0].expand({2, 3, 5}) * 1.0; }, {b});
  CHECK_GRADIENTS([](const In& a) { return unsqueeze(a[0], 1); }, {t});
  CHECK_GRADIENTS([](const In& a) { return flatten(a[0], 1); }, {x});
  // through float32 and back: the function is linear, so a large step keeps f32 rounding out
  CHECK_GRADIENTS([](const In& a) { return a[0].to(DType::f32).to(DType::f64); }, {x}, GradcheckOptions{1e-2, 1e-5, 1e-4});
}

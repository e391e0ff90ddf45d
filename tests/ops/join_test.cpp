#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

TEST_CASE("cat, stack and split gradients") {
  Tensor a = test::leaf({2, 3}, 41), b = test::leaf({2, 2}, 42), t = test::transposed_leaf(2, 3, 43);
  CHECK_GRADIENTS([](const In& x) { return cat({x[0], x[1]}, 1); }, {a, b});
  CHECK_GRADIENTS([](const In& x) { return stack({x[0], x[1]}, 1); }, {a, t});
  CHECK_GRADIENTS([](const In& x) { return split(x[0], {1, 2}, 1)[1] * 3.0; }, {a});
  CHECK_THROWS_WITH(cat({a, Tensor::zeros({3, 3}, DType::f64)}, 1), Catch::Contains("differ outside dim"));
}

#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

TEST_CASE("fused RMSNorm equals the composite in forward and backward") {
  Tensor x = test::leaf({2, 3, 8}, 81), w = test::leaf({8}, 82);
  auto composite = [](const In& a) { return a[0] * rsqrt(mean(a[0] * a[0], {-1}, true) + 1e-5) * a[1]; };
  test::check_close(rms_norm(x, w, 1e-5), composite({x, w}), 1e-12, 1e-14);
  CHECK_GRADIENTS([](const In& a) { return rms_norm(a[0], a[1], 1e-5); }, {x, w});
  CHECK_GRADIENTS([](const In& a) { return rms_norm(a[0], Tensor(), 1e-5); }, {x});
  Tensor t = test::transposed_leaf(5, 4, 83);
  CHECK_GRADIENTS([](const In& a) { return rms_norm(a[0], Tensor(), 1e-5); }, {t});
}

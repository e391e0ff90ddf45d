#include <catch2/catch.hpp>

#include <cmath>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

TEST_CASE("softmax and log-softmax gradients on any dim") {
  Tensor x = test::leaf({3, 5}, 71), t = test::transposed_leaf(4, 3, 72);
  CHECK_GRADIENTS([](const In& a) { return softmax(a[0], -1); }, {x});
  CHECK_GRADIENTS([](const In& a) { return softmax(a[0], 0); }, {t});
  CHECK_GRADIENTS([](const In& a) { return log_softmax(a[0], -1); }, {x});
  CHECK_GRADIENTS([](const In& a) { return log_softmax(a[0], 0); }, {x});
  test::check_close(exp(log_softmax(x, -1)), softmax(x, -1), 1e-12, 1e-15);
}

TEST_CASE("fused cross-entropy equals the composite and honours ignore_index") {
  Tensor logits = test::leaf({4, 6}, 73);
  Tensor targets = Tensor::from_vector<int32_t>({2, -100, 5, 0}, {4});
  CHECK_GRADIENTS([targets](const In& a) { return cross_entropy(a[0], targets); }, {logits});
  // composite: -mean over valid rows of log_softmax[target]
  Tensor lp = log_softmax(logits.detach(), -1);
  const auto v = lp.to_vector<double>();
  const double expected = -(v[0 * 6 + 2] + v[2 * 6 + 5] + v[3 * 6 + 0]) / 3.0;
  CHECK(cross_entropy(logits, targets).item() == Approx(expected).epsilon(1e-12));
  CHECK_THROWS_WITH(cross_entropy(logits, Tensor::from_vector<int32_t>({0, 1, 6, 0}, {4})), Catch::Contains("target 6"));
  // extreme logits stay finite
  Tensor big = Tensor::from_vector<float>({1000.f, -1000.f}, {1, 2});
  CHECK(std::isfinite(cross_entropy(big, Tensor::from_vector<int32_t>({1}, {1})).item()));
}

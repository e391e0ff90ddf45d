#include <catch2/catch.hpp>

#include <cmath>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

TEST_CASE("rope rotates halves and preserves norms") {
  // D = 4: pairs (0, 2) and (1, 3); position 1 rotates pair 0 by 1 rad, pair 1 by 0.01 rad
  Tensor x = Tensor::from_vector<double>({1, 0, 0, 0, 1, 0, 0, 0}, {1, 1, 2, 4});
  const auto y = rope(x, 0, 10000.0).to_vector<double>();
  CHECK(y[0] == 1.0);  // position 0 unchanged
  CHECK(y[4] == Approx(std::cos(1.0)));
  CHECK(y[6] == Approx(std::sin(1.0)));
  Tensor r = test::leaf({2, 3, 5, 8}, 91);
  test::check_close(sum(rope(r, 7) * rope(r, 7), {-1}), sum(r * r, {-1}), 1e-12, 1e-12);
  CHECK_GRADIENTS([](const In& a) { return rope(a[0], 3); }, {r});
  // rope at offset p equals rope of a longer sequence from 0, sliced (the KV-cache contract)
  test::check_close(rope(r.narrow(2, 2, 3), 2), rope(r).narrow(2, 2, 3), 1e-12, 1e-14);
}

#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;

TEST_CASE("dropout keeps about 1-p of the elements, scaled, deterministically") {
  Generator g1(3), g2(3);
  Tensor x = Tensor::ones({10000});
  const auto a = dropout(x, 0.25, g1).to_vector<float>();
  const auto b = dropout(x, 0.25, g2).to_vector<float>();
  CHECK(a == b);
  size_t kept = 0;
  for (float v : a) {
    CHECK((v == 0.0f || v == Approx(1.0f / 0.75f)));
    kept += v != 0.0f;
  }
  CHECK(std::abs(double(kept) / 10000.0 - 0.75) < 0.02);
  CHECK(dropout(x, 0.5, g1, false).same(x));
  // the gradient uses the same mask
  Tensor l = test::leaf({100}, 1);
  Generator g3(9);
  Tensor y = dropout(l, 0.5, g3);
  sum(y).backward();
  const auto yv = y.to_vector<double>(), gv = l.grad().to_vector<double>();
  for (size_t i = 0; i < yv.size(); ++i) CHECK((gv[i] == 0.0) == (yv[i] == 0.0));
}

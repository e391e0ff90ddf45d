#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "trit/backend/cpu/fast_exp.h"

using trit::cpu::fast_exp;

TEST_CASE("fast_exp is within 2e-7 relative of exp over the float range") {
  double worst = 0;
  for (float x = -87.0f; x < 88.7f; x += 0.000731f) {
    const double want = std::exp(double(x));
    const double rel = std::abs(double(fast_exp(x)) - want) / want;
    worst = std::max(worst, rel);
  }
  INFO("worst relative error " << worst);
  CHECK(worst < 2e-7);
  CHECK(fast_exp(0.0f) == 1.0f);
  CHECK(fast_exp(-1000.0f) == 0.0f);
  CHECK(std::isinf(fast_exp(1000.0f)));
  CHECK(std::isnan(fast_exp(std::numeric_limits<float>::quiet_NaN())));
  CHECK(fast_exp(-std::numeric_limits<float>::infinity()) == 0.0f);
}

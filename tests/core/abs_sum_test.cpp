#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "trit/core/abs_sum.h"

using trit::abs_sum;

// Sizes around the sixteen-lane blocks: the tail loop, a block alone, a block plus a tail.
TEST_CASE("abs_sum adds every |w| at any length, in float and double") {
  for (const int64_t n : {0, 1, 15, 16, 17, 31, 32, 33, 1000}) {
    std::vector<float> wf(static_cast<size_t>(n));
    std::vector<double> wd(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      // Small integers and halves: every partial sum is exact, so the order cannot matter.
      wf[size_t(i)] = float((i % 7) - 3) * 0.5f;
      wd[size_t(i)] = -double(i % 5);
    }
    double want_f = 0, want_d = 0;
    for (int64_t i = 0; i < n; ++i) {
      want_f += std::fabs(double(wf[size_t(i)]));
      want_d += std::fabs(wd[size_t(i)]);
    }
    CAPTURE(n);
    CHECK(abs_sum(wf.data(), n) == want_f);
    CHECK(abs_sum(wd.data(), n) == want_d);
  }
}

TEST_CASE("abs_sum of general values matches the serial sum to double rounding") {
  std::vector<float> w(4099);
  for (size_t i = 0; i < w.size(); ++i) w[i] = std::sin(float(i) * 0.37f) * 0.02f;
  double serial = 0;
  for (const float v : w) serial += std::fabs(double(v));
  CHECK(abs_sum(w.data(), int64_t(w.size())) == Approx(serial).epsilon(1e-13));
  // ...so the float mean, and the absmean scale made from it, come out the same.
  CHECK(float(abs_sum(w.data(), int64_t(w.size())) / double(w.size())) == float(serial / double(w.size())));
}

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "support/check.h"
#include "trit/backend/cpu/fft.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

namespace {

// Half spectrum by the definition, O(n^2), in double.
std::vector<double> naive_rfft(const std::vector<double>& x, int64_t n) {
  std::vector<double> out;
  for (int64_t k = 0; k <= n / 2; ++k) {
    double re = 0, im = 0;
    for (size_t j = 0; j < x.size(); ++j) {
      const double a = 2.0 * std::numbers::pi * double(int64_t(j) * k) / double(n);
      re += x[j] * std::cos(a);
      im -= x[j] * std::sin(a);
    }
    out.push_back(re);
    out.push_back(im);
  }
  return out;
}

}  // namespace

TEST_CASE("rfft equals the DFT by definition, with and without zero-padding") {
  for (const auto& [L, n] : std::vector<std::pair<int64_t, int64_t>>{{8, 8}, {5, 8}, {1, 2}, {100, 128}, {3, 1024}}) {
    INFO("L " << L << " n " << n);
    // three rows: one pair and one odd row out
    const Tensor x = test::leaf({3, L}, 11 + uint64_t(L)).detach();
    const Tensor X = rfft(x, n);
    REQUIRE(X.shape() == Shape{3, n / 2 + 1, 2});
    const auto xv = x.to_vector<double>();
    const auto Xv = X.to_vector<double>();
    for (int64_t r = 0; r < 3; ++r) {
      const auto want = naive_rfft(std::vector<double>(xv.begin() + r * L, xv.begin() + (r + 1) * L), n);
      for (size_t i = 0; i < want.size(); ++i) REQUIRE(Xv[size_t(r * (n / 2 + 1) * 2) + i] == Approx(want[i]).margin(1e-9));
    }
  }
}

TEST_CASE("irfft inverts rfft, in float64 and float32") {
  const Tensor x = test::leaf({2, 2, 64}, 21).detach();
  test::check_close(irfft(rfft(x)), x, 0, 1e-12);
  const Tensor padded = narrow(irfft(rfft(x, 256), 256), -1, 0, 64);
  test::check_close(padded, x, 0, 1e-12);
  const Tensor xf = x.to(DType::f32);
  test::check_close(irfft(rfft(xf)), xf, 0, 1e-5);
  // the padded tail comes back as zeros
  const auto tail = narrow(irfft(rfft(x, 256), 256), -1, 64, 192).to_vector<double>();
  for (double v : tail) REQUIRE(std::abs(v) < 1e-12);
}

TEST_CASE("irfft ignores the imaginary parts of bins 0 and n/2, as numpy") {
  Tensor X = Tensor::zeros({5, 2}, DType::f64);
  double* p = X.data<double>();
  p[0] = 4.0;  // DC
  p[1] = 7.0;  // ignored
  p[9] = 3.0;  // Nyquist imaginary, ignored
  const auto y = irfft(X).to_vector<double>();
  REQUIRE(y.size() == 8);
  for (double v : y) CHECK(v == Approx(0.5));
}

TEST_CASE("rfft and irfft gradients (float64 finite differences)") {
  Tensor x = test::leaf({3, 8}, 31), x_odd = test::leaf({5}, 32), t = test::transposed_leaf(8, 3, 33);
  CHECK_GRADIENTS([](const In& a) { return rfft(a[0]); }, {x});
  CHECK_GRADIENTS([](const In& a) { return rfft(a[0], 16); }, {x});
  CHECK_GRADIENTS([](const In& a) { return rfft(a[0], 8); }, {x_odd});
  CHECK_GRADIENTS([](const In& a) { return rfft(a[0], 4); }, {t});
  Tensor X = test::leaf({3, 5, 2}, 34), X1 = test::leaf({2, 2}, 35);
  CHECK_GRADIENTS([](const In& a) { return irfft(a[0]); }, {X});
  CHECK_GRADIENTS([](const In& a) { return irfft(a[0], 2); }, {X1});
  CHECK_GRADIENTS([](const In& a) { return irfft(rfft(a[0], 16) * rfft(a[0], 16)); }, {x});
}

TEST_CASE("fft sizes are checked") {
  const Tensor x = Tensor::zeros({6}, DType::f64);
  CHECK_THROWS_WITH(rfft(x), Catch::Contains("power of two"));
  CHECK_THROWS_WITH(rfft(x, 4), Catch::Contains("longer than the transform size"));
  CHECK_THROWS_WITH(irfft(Tensor::zeros({4, 2}, DType::f64), 8), Catch::Contains("needs 5 bins"));
  CHECK_THROWS_WITH(irfft(Tensor::zeros({4, 3}, DType::f64)), Catch::Contains("[..., bins, 2]"));
  CHECK_THROWS_WITH(cpu::FftPlan<double>(12), Catch::Contains("not a power of two"));
  CHECK(cpu::next_power_of_two(1025) == 2048);
  CHECK(cpu::next_power_of_two(1) == 1);
}

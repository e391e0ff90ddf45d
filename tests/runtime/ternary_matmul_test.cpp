// Tests ternary_matmul.cpp and its vector kernels (ternary_matmul_avx2.cpp,
// ternary_matmul_avx512.cpp): every level equals the scalar reference bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "trit/core/error.h"
#include "trit/runtime/ternary_matmul.h"

using namespace trit::runtime;

namespace {

std::vector<CpuLevel> supported_levels() {
  std::vector<CpuLevel> levels;
  for (CpuLevel l : {CpuLevel::scalar, CpuLevel::avx2, CpuLevel::avx512}) {
    if (cpu_level_supported(l)) levels.push_back(l);
  }
  return levels;
}

std::vector<float> random_floats(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = normal(rng);
  return v;
}

struct Results {
  std::vector<float> y;
  std::vector<int32_t> dots;
};

Results multiply(const PackedTernary& w, const QuantizedActivations& x, CpuLevel level,
                 ThreadPool* pool) {
  Results r{std::vector<float>(x.n_tokens() * w.rows(), -1.0f),
            std::vector<int32_t>(x.n_tokens() * w.rows(), -1)};
  ternary_matmul(w.view(), x.view(), r.y.data(), w.rows(), pool, level);
  ternary_matmul_i32(w.view(), x.view(), r.dots.data(), w.rows(), pool, level);
  return r;
}

// All levels, with and without the pool, equal the scalar reference exactly.
void check_levels_agree(const PackedTernary& w, const QuantizedActivations& x, ThreadPool& pool) {
  const Results ref = multiply(w, x, CpuLevel::scalar, nullptr);
  for (CpuLevel level : supported_levels()) {
    for (ThreadPool* p : {static_cast<ThreadPool*>(nullptr), &pool}) {
      INFO("rows " << w.rows() << " cols " << w.cols() << " tokens " << x.n_tokens() << " level "
                   << cpu_level_name(level) << (p ? " pool" : " inline"));
      const Results r = multiply(w, x, level, p);
      CHECK(r.dots == ref.dots);
      CHECK(std::memcmp(r.y.data(), ref.y.data(), r.y.size() * sizeof(float)) == 0);
    }
  }
}

}  // namespace

TEST_CASE("quantized result equals (xq . Wq) / (sx * sw) computed in double") {
  const size_t rows = 37, cols = 300, n = 3;
  const auto wf = random_floats(rows * cols, 1, 0.02f);
  const auto xf = random_floats(n * cols, 2, 3.0f);
  const PackedTernary w = repack_from_float(wf.data(), rows, cols);
  QuantizedActivations x;
  x.quantize(xf.data(), n, cols, cols);

  // The float-side definition, step by step.
  double abs_sum = 0;
  for (float v : wf) abs_sum += std::fabs(v);
  const float sw = 1.0f / std::max(float(abs_sum / double(wf.size())), 1e-5f);
  REQUIRE(w.sw() == sw);
  for (CpuLevel level : supported_levels()) {
    const Results r = multiply(w, x, level, nullptr);
    for (size_t t = 0; t < n; ++t) {
      float amax = 0;
      for (size_t k = 0; k < cols; ++k) amax = std::max(amax, std::fabs(xf[t * cols + k]));
      const float sx = 127.0f / std::max(amax, 1e-5f);
      for (size_t o = 0; o < rows; ++o) {
        double dot = 0;
        for (size_t k = 0; k < cols; ++k) {
          const double wq = std::clamp(std::nearbyint(wf[o * cols + k] * sw), -1.0f, 1.0f);
          const double xq = std::clamp(std::nearbyint(xf[t * cols + k] * sx), -128.0f, 127.0f);
          dot += wq * xq;
        }
        const double y = dot / (double(sx) * double(sw));
        CHECK(r.dots[t * rows + o] == dot);
        // float(dot) is exact; sx*sw and the division each round once.
        CHECK(std::fabs(r.y[t * rows + o] - y) <= 3e-7 * std::fabs(y));
      }
    }
  }
}

TEST_CASE("every level equals the scalar reference on random shapes and token counts") {
  ThreadPool pool(2);
  struct Shape { size_t rows, cols; };
  for (Shape s : {Shape{1, 1}, Shape{7, 13}, Shape{8, 256}, Shape{9, 257}, Shape{13, 511},
                  Shape{33, 1000}, Shape{64, 2048}, Shape{3, 64}, Shape{17, 5000}}) {
    const auto wf = random_floats(s.rows * s.cols, uint32_t(s.rows * 31 + s.cols));
    const PackedTernary w = repack_from_float(wf.data(), s.rows, s.cols);
    for (size_t n : {1, 2, 3, 4, 5, 8, 11}) {
      const auto xf = random_floats(n * s.cols, uint32_t(n + s.cols));
      QuantizedActivations x;
      x.quantize(xf.data(), n, s.cols, s.cols);
      check_levels_agree(w, x, pool);
    }
  }
}

TEST_CASE("token counts 1..67 through every token tile remainder") {
  ThreadPool pool(2);
  const size_t rows = 45, cols = 777;
  const auto wf = random_floats(rows * cols, 11);
  const PackedTernary w = repack_from_float(wf.data(), rows, cols);
  const auto xf = random_floats(67 * cols, 12);
  for (size_t n = 1; n <= 67; ++n) {
    QuantizedActivations x;
    x.quantize(xf.data(), n, cols, cols);
    check_levels_agree(w, x, pool);
  }
}

TEST_CASE("row counts across L2 tiles and thread chunks") {
  ThreadPool pool(3);
  // row_bytes 2816 gives an L2 tile of 184 rows: 403 rows span three tiles.
  const size_t rows = 403, cols = 11008;
  const auto wf = random_floats(rows * cols, 21);
  const PackedTernary w = repack_from_float(wf.data(), rows, cols);
  for (size_t n : {1, 6}) {
    const auto xf = random_floats(n * cols, 22);
    QuantizedActivations x;
    x.quantize(xf.data(), n, cols, cols);
    check_levels_agree(w, x, pool);
  }
}

TEST_CASE("edge cases: zero weights, zero activations, extreme magnitudes") {
  ThreadPool pool(2);
  const size_t rows = 12, cols = 4096, n = 3;
  QuantizedActivations x;
  std::vector<float> xf(n * cols, 0.0f);

  SECTION("all-zero weights (sw clamped to 1e5) give exact zeros") {
    const std::vector<float> zeros(rows * cols, 0.0f);
    const PackedTernary w = repack_from_float(zeros.data(), rows, cols);
    xf = random_floats(n * cols, 5);
    x.quantize(xf.data(), n, cols, cols);
    for (CpuLevel level : supported_levels()) {
      const Results r = multiply(w, x, level, &pool);
      for (float v : r.y) CHECK(v == 0.0f);
    }
    check_levels_agree(w, x, pool);
  }
  SECTION("all-zero activations give exact zeros") {
    const auto wf = random_floats(rows * cols, 6);
    const PackedTernary w = repack_from_float(wf.data(), rows, cols);
    x.quantize(xf.data(), n, cols, cols);
    for (CpuLevel level : supported_levels()) {
      const Results r = multiply(w, x, level, &pool);
      for (int32_t v : r.dots) CHECK(v == 0);
    }
  }
  SECTION("largest dots: every weight -1 or +1 against -128 and +127") {
    std::vector<int8_t> wq(rows * cols);
    for (size_t i = 0; i < wq.size(); ++i) wq[i] = (i / cols) % 2 ? 1 : -1;
    const PackedTernary w = repack_from_ternary(wq.data(), rows, cols, 1.0f);
    for (size_t k = 0; k < cols; ++k) {
      xf[k] = -1.0f;                             // -> -127 (amax 1)
      xf[cols + k] = k == 0 ? -1.0f : -1.0079f;  // amax 1.0079 -> many -127, clamp never below -128
      xf[2 * cols + k] = k % 2 ? 1.0f : -1.0f;
    }
    x.quantize(xf.data(), n, cols, cols);
    const Results r = multiply(w, x, CpuLevel::scalar, nullptr);
    CHECK(r.dots[0] == 127 * int32_t(cols));
    CHECK(r.dots[1] == -127 * int32_t(cols));
    CHECK(r.dots[2 * rows] == 0);
    check_levels_agree(w, x, pool);
  }
}

TEST_CASE("vector kernels ignore whatever the activation padding holds") {
  ThreadPool pool(2);
  const size_t rows = 9, cols = 300;  // padded to 512 columns
  const auto wf = random_floats(rows * cols, 31);
  const PackedTernary w = repack_from_float(wf.data(), rows, cols);
  const auto xf = random_floats(2 * cols, 32);
  std::vector<int8_t> q(2 * 512, int8_t(0x7f));  // padding garbage, not zeros
  std::vector<float> scale(2);
  std::vector<int32_t> sum(2);
  quantize_activations(xf.data(), 2, cols, cols, q.data(), 512, scale.data(), sum.data());
  for (size_t t = 0; t < 2; ++t) std::memset(q.data() + t * 512 + cols, 0x7f, 512 - cols);
  const Int8ActivationsView view{q.data(), 2, cols, 512, scale.data(), sum.data()};
  std::vector<int32_t> ref(2 * rows), got(2 * rows);
  ternary_matmul_i32(w.view(), view, ref.data(), rows, nullptr, CpuLevel::scalar);
  for (CpuLevel level : supported_levels()) {
    ternary_matmul_i32(w.view(), view, got.data(), rows, &pool, level);
    CHECK(got == ref);
  }
}

TEST_CASE("shape mismatches are errors") {
  const std::vector<float> wf(4 * 256, 0.5f);
  const PackedTernary w = repack_from_float(wf.data(), 4, 256);
  const std::vector<float> xf(2 * 300, 1.0f);
  QuantizedActivations x;
  x.quantize(xf.data(), 2, 300, 300);
  std::vector<float> y(8);
  CHECK_THROWS_WITH(ternary_matmul(w.view(), x.view(), y.data(), 4),
                    Catch::Contains("300 columns"));
  QuantizedActivations ok;
  ok.quantize(xf.data(), 2, 256, 256);
  CHECK_THROWS_WITH(ternary_matmul(w.view(), ok.view(), y.data(), 3), Catch::Contains("output stride"));
  Int8ActivationsView narrow = ok.view();
  narrow.stride = 256;
  narrow.cols = 256;
  ternary_matmul(w.view(), narrow, y.data(), 4);  // stride 256 is enough for 256 columns
  CHECK(y[0] == y[4]);
}

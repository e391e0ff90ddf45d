#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "trit/core/error.h"
#include "trit/runtime/activation_quant.h"

using namespace trit::runtime;

namespace {

std::vector<CpuLevel> supported_levels() {
  std::vector<CpuLevel> levels;
  for (CpuLevel l : {CpuLevel::scalar, CpuLevel::avx2, CpuLevel::avx512}) {
    if (cpu_level_supported(l)) levels.push_back(l);
  }
  return levels;
}

struct Quantized {
  std::vector<int8_t> q;
  std::vector<float> scale;
  std::vector<int32_t> sum;
};

Quantized run(const std::vector<float>& x, size_t n_tokens, size_t cols, size_t stride,
              CpuLevel level) {
  Quantized r{std::vector<int8_t>(n_tokens * stride, int8_t(0x55)), std::vector<float>(n_tokens),
              std::vector<int32_t>(n_tokens)};
  quantize_activations(x.data(), n_tokens, cols, cols, r.q.data(), stride, r.scale.data(),
                       r.sum.data(), level);
  return r;
}

// The formula as written in DESIGN.md, one element at a time.
int8_t spec_quant(float x, float sx) {
  return int8_t(std::clamp(std::nearbyint(x * sx), -128.0f, 127.0f));
}

}  // namespace

TEST_CASE("hand-computed tokens, including rounding ties to even") {
  for (CpuLevel level : supported_levels()) {
    INFO(cpu_level_name(level));
    // amax 127 gives sx = 1: x.5 values are exact ties.
    const std::vector<float> x = {127, 2.5f, -2.5f, 3.5f, 0.5f, -0.5f, -1.5f, 1.4999999f};
    const Quantized r = run(x, 1, x.size(), 256, level);
    CHECK(r.scale[0] == 1.0f);
    const std::vector<int8_t> expected = {127, 2, -2, 4, 0, 0, -2, 1};
    CHECK(std::vector<int8_t>(r.q.begin(), r.q.begin() + 8) == expected);
    CHECK(r.sum[0] == 127 + 2 - 2 + 4 - 2 + 1);
    for (size_t j = 8; j < 256; ++j) CHECK(r.q[j] == 0);  // padding zeroed

    // amax 2: sx = 63.5; 2 -> 127, -1 -> -63.5 -> -64 (tie to even), 0.5 -> 31.75 -> 32.
    const std::vector<float> y = {2.0f, -1.0f, 0.5f, 0.0f, -2.0f};
    const Quantized s = run(y, 1, y.size(), 5, level);
    CHECK(s.scale[0] == 63.5f);
    CHECK(std::vector<int8_t>(s.q.begin(), s.q.end()) == std::vector<int8_t>{127, -64, 32, 0, -127});
    CHECK(s.sum[0] == 127 - 64 + 32 - 127);
  }
}

TEST_CASE("all-zero and tiny tokens use the 1e-5 clamp") {
  for (CpuLevel level : supported_levels()) {
    INFO(cpu_level_name(level));
    const std::vector<float> zeros(300, 0.0f);
    const Quantized z = run(zeros, 1, 300, 512, level);
    CHECK(z.scale[0] == 127.0f / 1e-5f);
    CHECK(z.sum[0] == 0);
    CHECK(std::all_of(z.q.begin(), z.q.end(), [](int8_t v) { return v == 0; }));

    const std::vector<float> tiny = {5e-6f, -5e-6f, 1e-6f, -9.9e-6f};
    const Quantized t = run(tiny, 1, 4, 4, level);
    const float sx = 127.0f / 1e-5f;
    CHECK(t.scale[0] == sx);
    for (size_t j = 0; j < 4; ++j) CHECK(t.q[j] == spec_quant(tiny[j], sx));
  }
}

TEST_CASE("every level gives the scalar bytes, scales and sums") {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (size_t cols : {1, 3, 7, 8, 15, 16, 17, 31, 255, 256, 257, 1000, 4096}) {
    const size_t n_tokens = 5, stride = (cols + 255) / 256 * 256;
    std::vector<float> x(n_tokens * cols);
    for (size_t i = 0; i < x.size(); ++i) x[i] = normal(rng) * (i % 3 == 0 ? 100.0f : 0.01f);
    x[0] = 0.0f;
    // Token 1 has exact ties: amax 127 -> sx = 1 and halves everywhere.
    for (size_t j = 0; j < cols; ++j) x[cols + j] = float(int(j % 254) - 127) + (j ? 0.5f : 0.0f);
    x[cols] = 127.0f;
    // Token 2 reaches the float extremes.
    x[2 * cols] = -3.0e38f;
    if (cols > 1) x[2 * cols + 1] = 1e-38f;
    // Token 4 is all zeros.
    std::fill(x.begin() + 4 * cols, x.end(), 0.0f);

    const Quantized ref = run(x, n_tokens, cols, stride, CpuLevel::scalar);
    for (size_t t = 0; t < n_tokens; ++t) {
      float amax = 0;
      for (size_t j = 0; j < cols; ++j) amax = std::max(amax, std::fabs(x[t * cols + j]));
      const float sx = 127.0f / std::max(amax, 1e-5f);
      CHECK(ref.scale[t] == sx);
      int32_t sum = 0;
      for (size_t j = 0; j < cols; ++j) {
        const int8_t q = spec_quant(x[t * cols + j], sx);
        sum += q;
        if (ref.q[t * stride + j] != q) FAIL_CHECK("token " << t << " col " << j);
      }
      CHECK(ref.sum[t] == sum);
    }
    for (CpuLevel level : supported_levels()) {
      INFO("cols " << cols << " level " << cpu_level_name(level));
      const Quantized r = run(x, n_tokens, cols, stride, level);
      CHECK(r.q == ref.q);
      CHECK(r.scale == ref.scale);
      CHECK(r.sum == ref.sum);
    }
  }
}

TEST_CASE("inf or NaN activations are an error naming the token") {
  for (CpuLevel level : supported_levels()) {
    for (float bad : {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                      std::numeric_limits<float>::quiet_NaN()}) {
      for (size_t where : {0, 16, 40}) {
        std::vector<float> x(2 * 41, 1.0f);
        x[41 + where] = bad;
        INFO(cpu_level_name(level) << " at " << where);
        try {
          run(x, 2, 41, 64, level);
          FAIL("expected an error");
        } catch (const trit::Error& e) {
          CHECK(std::string(e.what()).find("token 1") != std::string::npos);
        }
      }
    }
  }
}

TEST_CASE("QuantizedActivations pads rows to 256 and keeps input strides") {
  std::vector<float> x = {1, 2, 3, 99, 4, 5, 6, 99};  // 2 tokens of 3, stride 4
  QuantizedActivations qa;
  qa.quantize(x.data(), 2, 3, 4);
  CHECK(qa.stride() == 256);
  CHECK(qa.scale(0) == 127.0f / 3.0f);
  CHECK(qa.row(1)[2] == 127);
  CHECK(qa.row(1)[3] == 0);
  CHECK(qa.view().sum[1] == qa.row(1)[0] + qa.row(1)[1] + 127);
  CHECK_THROWS_AS(quantize_activations(x.data(), 1, 3, 3, nullptr, 2, nullptr, nullptr),
                  trit::Error);
}

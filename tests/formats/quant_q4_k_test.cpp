#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "formats/quant_vectors.h"
#include "trit/formats/quant_codecs.h"

using namespace trit;

namespace {

constexpr int64_t kBlock = 256;

std::vector<uint8_t> quantize(const std::vector<float>& x) {
  std::vector<uint8_t> out(row_size(QuantType::Q4_K, int64_t(x.size())));
  quantize_rows(QuantType::Q4_K, x.data(), 1, int64_t(x.size()), out.data());
  return out;
}

std::vector<float> dequantize(const std::vector<uint8_t>& bytes, int64_t n) {
  std::vector<float> out(size_t(n), 0.0f);
  dequantize_rows(QuantType::Q4_K, bytes.data(), 1, n, out.data());
  return out;
}

// Header (d, dmin, scales) followed by qs, as the expected block of a hand-built case.
std::vector<uint8_t> block_bytes(uint16_t d, uint16_t dmin, const std::vector<uint8_t>& scales,
                                 const std::vector<uint8_t>& qs) {
  std::vector<uint8_t> out(144, 0);
  out[0] = uint8_t(d & 0xff);
  out[1] = uint8_t(d >> 8);
  out[2] = uint8_t(dmin & 0xff);
  out[3] = uint8_t(dmin >> 8);
  for (size_t i = 0; i < 12; ++i) out[4 + i] = scales.at(i);
  for (size_t i = 0; i < 128; ++i) out[16 + i] = qs.at(i);
  return out;
}

// qs when element i's quant is i % 16: chunk c byte l packs elements 64c + l and 64c + 32 + l,
// both with quant l % 16, so the byte is (l % 16) * 17.
std::vector<uint8_t> ramp_qs() {
  std::vector<uint8_t> qs(128);
  for (int c = 0; c < 4; ++c)
    for (int l = 0; l < 32; ++l) qs[32 * c + l] = uint8_t((l % 16) * 17);
  return qs;
}

double rmse(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += double(a[i] - b[i]) * double(a[i] - b[i]);
  return std::sqrt(s / double(a.size()));
}

}  // namespace

TEST_CASE("q4_k dequantizes gguf's vectors exactly and quantizes like the reference transcription") {
  // Cases with input: bytes from the float32 numpy transcription of quantize_row_q4_K_ref in
  // tests/reference/make_quant_vectors.py (gguf has no Q4_K quantizer); dequantized values from
  // gguf in every case.
  const auto vectors = test::load_quant_vectors("q4_k");
  REQUIRE(vectors.size() >= 3);
  for (const auto& v : vectors) test::check_quant_vector(v);
}

TEST_CASE("q4_k: values on the 4-bit grid of each sub-block, hand-derived bytes") {
  // x_i = i % 16 in every sub-block. Derivation, following quantize_row_q4_K_ref:
  // * fit per sub-block: min = 0, max = 15, iscale = 15 / 15 = 1, L_i = x_i, scale = 1, error 0;
  //   no candidate has error < 0, so scale 1, min 0 are kept for all 8 sub-blocks.
  // * max_scale = 1, max_min = 0: inv_scale = 63, inv_min = 0 -> sc_j = 63, m_j = 0.
  // * d = f16(1/63 = 0.0158730...) = 0.015625 * (1 + 16/1024) = 0x2410; dmin = f16(0) = 0.
  // * scales: j < 4: scales[j] = 63, scales[j+4] = 0; j >= 4: scales[j+4] = 63 & 15 = 15,
  //   scales[j-4] |= (63 >> 4) << 6 = 192 -> scales[0..3] = 255, scales[4..7] = 0.
  // * requantize: D = 0.015869140625 * 63 = 0.999755859375, q = nearest_int(x / D) = x
  //   (x * 1.000244 stays within 0.004 of x for x <= 15).
  std::vector<float> x(kBlock);
  for (int64_t i = 0; i < kBlock; ++i) x[size_t(i)] = float(i % 16);
  const auto expected = block_bytes(0x2410, 0x0000, {255, 255, 255, 255, 0, 0, 0, 0, 15, 15, 15, 15}, ramp_qs());
  CHECK(quantize(x) == expected);
  const auto back = dequantize(expected, kBlock);
  CHECK(back[15] == 0.999755859375f * 15);
  CHECK(back[0] == 0.0f);
}

TEST_CASE("q4_k: a negative min, hand-derived bytes") {
  // x_i = i % 16 - 8 (values -8..7) in every sub-block.
  // * fit: min = -8, max = 7, iscale = 15 / 15 = 1, L_i = nearest_int(x_i + 8) = i % 16,
  //   diff = 1 * L - 8 - x = 0: scale 1, min -8 (the_min 8) kept.
  // * max_scale = 1, max_min = 8: inv_scale = 63, inv_min = 63 / 8 = 7.875, so sc_j = 63 and
  //   m_j = nearest_int(7.875 * 8) = 63 for all j -> all 6-bit fields are 63, every scales byte
  //   is 255 (j < 4 bytes: 63 | 3 << 6; j >= 4 bytes: 15 | 15 << 4).
  // * d = f16(1/63) = 0x2410 (0.015869140625); dmin = f16(8/63 = 0.126984...) = 0.125 * (1 +
  //   16/1024) = 0x3010 (0.126953125).
  // * requantize: D = 0.999755859375, M = 0.126953125 * 63 = 7.998046875,
  //   q = nearest_int((x + M) / D) = nearest_int((q_true - 1/512) / (1 - 1/4096)) = q_true.
  std::vector<float> x(kBlock);
  for (int64_t i = 0; i < kBlock; ++i) x[size_t(i)] = float(i % 16) - 8.0f;
  const auto expected = block_bytes(0x2410, 0x3010, std::vector<uint8_t>(12, 255), ramp_qs());
  CHECK(quantize(x) == expected);
  const auto back = dequantize(expected, kBlock);
  CHECK(back[8] == 0.999755859375f * 8 - 7.998046875f);
}

TEST_CASE("q4_k: a sub-block with zero scale keeps its first-pass quants (the d == 0 path)") {
  // Sub-block 0 is the constant -2, the others are 0.
  // * fit sub-block 0: min = max = -2 -> L = 0, the_min = 2, scale 0. Others: min = max = 0 ->
  //   L = 0, the_min = -0, scale 0.
  // * max_scale = 0 -> inv_scale = 0, every sc_j = 0 and d = f16(0) = 0. max_min = 2 ->
  //   inv_min = 31.5, m_0 = nearest_int(63) = 63, the others nearest_int(-0) = 0;
  //   dmin = f16(2/63 = 0.031746...) = 0.03125 * (1 + 16/1024) = 0x2810 (0.03173828125).
  // * requantize: D = 0 for every sub-block, so all are skipped and L stays 0.
  // * scales: only scales[4] = m_0 = 63 is non-zero. qs all 0.
  // Dequantized sub-block 0: 0 * 0 - 0.03173828125 * 63 = -1.99951171875.
  std::vector<float> x(kBlock, 0.0f);
  for (int i = 0; i < 32; ++i) x[size_t(i)] = -2.0f;
  const auto expected = block_bytes(0x0000, 0x2810, {0, 0, 0, 0, 63, 0, 0, 0, 0, 0, 0, 0}, std::vector<uint8_t>(128, 0));
  CHECK(quantize(x) == expected);
  const auto back = dequantize(expected, kBlock);
  CHECK(back[0] == -1.99951171875f);
  CHECK(back[32] == 0.0f);
}

TEST_CASE("q4_k: all zeros give an all-zero block") {
  CHECK(quantize(std::vector<float>(kBlock, 0.0f)) == std::vector<uint8_t>(144, 0));
}

TEST_CASE("q4_k: round trip error stays within the 4-bit grid's bounds") {
  std::mt19937 gen(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(16 * kBlock);
  for (float& v : x) v = normal(gen);
  const auto back = dequantize(quantize(x), int64_t(x.size()));
  const double err = rmse(x, back);
  // A 4-bit grid over a sub-block's range (about 5 sigma for 32 normals) has step ~0.33 and
  // uniform rounding error ~step / sqrt(12) ~ 0.1; llama.cpp's Q4_K reaches ~0.07 here.
  CHECK(err < 0.085);
  CHECK(err > 0.03);  // a 4-bit code cannot be near lossless on normal data
  // Every element is within one grid step of its input.
  for (size_t i = 0; i < x.size(); ++i) REQUIRE(std::fabs(x[i] - back[i]) < 0.35f);
}

TEST_CASE("q4_k: the 4-lane fit is bit-identical to the scalar make_qkx2_quants transcription") {
  // Sub-blocks from many distributions, including flat ones (zeros, constants), one-sided,
  // sparse, integer-valued (ties in the rounding) and wide-range data.
  std::mt19937 gen(2026);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> uni(0.0f, 1.0f);
  auto sub_block = [&](int kind, float* x) {
    const float scale = std::exp2(float(int(uni(gen) * 40) - 20));
    for (int i = 0; i < 32; ++i) {
      float v = normal(gen);
      switch (kind) {
        case 0: break;
        case 1: v = std::fabs(v) + 1.0f; break;                 // all positive: min clamps to 0
        case 2: v = -std::fabs(v) - 0.5f; break;                // all negative
        case 3: v = 0.0f; break;                                // flat zero
        case 4: v = -1.25f; break;                              // flat negative constant
        case 5: v = uni(gen) < 0.8f ? 0.0f : v; break;          // sparse
        case 6: v = float(int(uni(gen) * 16)) - 8.0f; break;    // integers: exact ties
        case 7: v = v * std::exp2(float(int(uni(gen) * 20) - 10)); break;  // wide range
        default: v = uni(gen) < 0.5f ? 0.5f : -0.5f; break;     // two values
      }
      x[i] = v * scale;
    }
  };
  for (int trial = 0; trial < 4000; ++trial) {
    float x[4][32], w[4][32], xt[128], wt[128];
    for (int j = 0; j < 4; ++j) {
      sub_block((trial + j * 3) % 9, x[j]);
      float sum_x2 = 0;
      for (int i = 0; i < 32; ++i) sum_x2 += x[j][i] * x[j][i];
      const float av_x = std::sqrt(sum_x2 / 32);
      for (int i = 0; i < 32; ++i) {
        w[j][i] = av_x + std::fabs(x[j][i]);
        xt[4 * i + j] = x[j][i];
        wt[4 * i + j] = w[j][i];
      }
    }
    uint8_t Lt[128];
    float scale4[4], min4[4];
    quant::q4_k_fit_scale_min_4(xt, wt, Lt, scale4, min4);
    for (int j = 0; j < 4; ++j) {
      uint8_t L[32];
      float neg_min = 0;
      const float scale = quant::q4_k_fit_scale_min(x[j], w[j], L, &neg_min);
      INFO("trial " << trial << " lane " << j);
      REQUIRE(std::bit_cast<uint32_t>(scale4[j]) == std::bit_cast<uint32_t>(scale));
      REQUIRE(std::bit_cast<uint32_t>(min4[j]) == std::bit_cast<uint32_t>(neg_min));
      for (int i = 0; i < 32; ++i) REQUIRE(Lt[4 * i + j] == L[i]);
    }
  }
}

#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "trit/core/error.h"
#include "trit/core/half.h"
#include "trit/runtime/ternary_pack.h"

using namespace trit::runtime;

namespace {

// An independent TQ2_0 encoder following llama-cpp-formats.md: byte 32h+m holds element
// 128h+m+32n at bits 2n, code q = w + 1; fp16 d at bytes 64-65.
std::vector<uint8_t> encode_tq2_0(const std::vector<int8_t>& w, size_t rows, size_t cols,
                                  uint16_t d_bits) {
  std::vector<uint8_t> out;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t b = 0; b < cols / 256; ++b) {
      uint8_t block[66] = {};
      for (size_t e = 0; e < 256; ++e) {
        const size_t h = e / 128, m = e % 32, n = (e % 128) / 32;
        block[32 * h + m] |= uint8_t((w[r * cols + b * 256 + e] + 1) << (2 * n));
      }
      std::memcpy(block + 64, &d_bits, 2);
      out.insert(out.end(), block, block + 66);
    }
  }
  return out;
}

std::vector<int8_t> random_ternary(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int8_t> w(n);
  for (auto& v : w) v = int8_t(int(rng() % 3) - 1);
  return w;
}

}  // namespace

TEST_CASE("weight scale is 1/mean|W| with the 1e-5 clamp") {
  const std::vector<float> w = {0.5f, -1.5f, 0.0f, 1.0f};
  CHECK(ternary_weight_scale(w.data(), w.size()) == 1.0f / 0.75f);
  const std::vector<float> zeros(10, 0.0f);
  CHECK(ternary_weight_scale(zeros.data(), zeros.size()) == 1.0f / 1e-5f);
  const std::vector<float> bad = {1.0f, std::numeric_limits<float>::quiet_NaN()};
  CHECK_THROWS_AS(ternary_weight_scale(bad.data(), bad.size()), trit::Error);
}

TEST_CASE("repack_from_float rounds half to even and clamps") {
  // mean |W| = 1, so sw = 1 and W*sw = W.
  const std::vector<float> w = {0.5f, 1.5f, -0.5f, -1.5f, 1.0f, -1.0f, 0.0f, 2.0f};
  const PackedTernary p = repack_from_float(w.data(), 2, 4);
  CHECK(p.sw() == 1.0f);
  const int8_t expected[8] = {0, 1, 0, -1, 1, -1, 0, 1};
  for (size_t i = 0; i < 8; ++i) CHECK(int(p.get(i / 4, i % 4)) == expected[i]);

  // All-zero weights: sw = 1e5 (clamp), all codes 0 weight.
  const std::vector<float> zeros(6, 0.0f);
  const PackedTernary z = repack_from_float(zeros.data(), 2, 3);
  CHECK(z.sw() == 1e5f);
  for (size_t i = 0; i < 6; ++i) CHECK(z.get(i / 3, i % 3) == 0);
}

TEST_CASE("T2 layout: column 256g + m + 64n at byte m of group g, bits 2n; rows by 8") {
  PackedTernary p(10, 300, 1.0f);
  CHECK(p.row_bytes() == 128);
  CHECK(p.cols_padded() == 512);
  CHECK(p.rows_padded() == 16);
  CHECK(p.size_bytes() == 16 * 128);
  CHECK(reinterpret_cast<uintptr_t>(p.codes()) % 64 == 0);
  // All weights 0 -> code 1 in every real column; padding (cols 300..511) code 0.
  const uint8_t* row1 = p.codes() + 64;  // row 1, group 0 (block 0)
  const uint8_t* row1_g1 = p.codes() + 512 + 64;
  CHECK(row1[0] == 0x55);
  CHECK(row1_g1[0] == 0x01);       // col 256 real, cols 320, 384, 448 padding
  CHECK(row1_g1[43] == 0x01);      // col 299
  CHECK(row1_g1[44] == 0x00);      // col 300 is padding
  p.set(1, 65, 1);    // byte 1, bits 2-3 -> code 2
  p.set(1, 130, -1);  // byte 2, bits 4-5 -> code 0
  p.set(1, 299, 1);
  CHECK(row1[1] == (0x55 & ~0x0c) + (2 << 2));
  CHECK(row1[2] == (0x55 & ~0x30));
  CHECK(row1_g1[43] == 0x02);
  // Row 9 is row 1 of block 1 (which starts at 8 * row_bytes); rows 10..15 are padding.
  p.set(9, 0, 1);
  CHECK(p.codes()[8 * 128 + 64] == 0x56);
  CHECK(p.codes()[8 * 128 + 2 * 64] == 0x00);
  CHECK(p.get(9, 0) == 1);
  CHECK(p.get(1, 65) == 1);
  CHECK(p.get(1, 130) == -1);
  CHECK(p.get(0, 65) == 0);
  CHECK_THROWS_AS(p.set(10, 0, 1), trit::Error);
  CHECK_THROWS_AS(p.set(0, 0, 2), trit::Error);
}

TEST_CASE("repack_from_tq2_0 reads the worked example block") {
  uint8_t block[66];
  std::memset(block, 0x55, 64);  // every element code 1 (zero)
  block[0] = 146;                // x[0]=+1, x[32]=-1, x[64]=0, x[96]=+1
  block[1] = 84;                 // x[1]=-1, x[33]=x[65]=x[97]=0
  block[32 + 5] = uint8_t((0x55 & ~0x30) | (2 << 4));  // element 128 + 5 + 64 = 197 -> +1
  block[64] = 0x00;
  block[65] = 0x38;  // d = 0.5
  const PackedTernary p = repack_from_tq2_0(block, 66, 1, 256);
  CHECK(p.sw() == 2.0f);
  for (size_t e = 0; e < 256; ++e) {
    int expected = 0;
    if (e == 0 || e == 96 || e == 197) expected = 1;
    if (e == 32 || e == 1) expected = -1;
    if (p.get(0, e) != expected) FAIL_CHECK("element " << e);
  }
}

TEST_CASE("repack_from_tq2_0 round-trips a multi-row, multi-block tensor") {
  const size_t rows = 5, cols = 768;
  const auto w = random_ternary(rows * cols, 3);
  const uint16_t d = trit::float_to_f16(0.0421f);
  const auto bytes = encode_tq2_0(w, rows, cols, d);
  const PackedTernary p = repack_from_tq2_0(bytes.data(), bytes.size(), rows, cols);
  CHECK(p.sw() == 1.0f / trit::f16_to_float(d));
  for (size_t i = 0; i < rows * cols; ++i) {
    if (p.get(i / cols, i % cols) != w[i]) FAIL_CHECK("index " << i);
  }
  const PackedTernary q = repack_from_tq2_0(bytes.data(), bytes.size(), rows, cols, 1.0f / 0.0421f);
  CHECK(q.sw() == 1.0f / 0.0421f);
  CHECK(q.get(4, 767) == w.back());
}

TEST_CASE("repack_from_tq2_0 reads d = 0 blocks as zeros and all-zero tensors as sw 1e5") {
  const auto w = random_ternary(512, 5);
  auto bytes = encode_tq2_0(w, 1, 512, trit::float_to_f16(0.25f));
  bytes[66 + 64] = bytes[66 + 65] = 0;  // second block: d = 0
  const PackedTernary p = repack_from_tq2_0(bytes.data(), bytes.size(), 1, 512);
  CHECK(p.sw() == 4.0f);
  for (size_t e = 0; e < 256; ++e) CHECK(p.get(0, e) == w[e]);
  for (size_t e = 256; e < 512; ++e) CHECK(p.get(0, e) == 0);
  bytes[64] = bytes[65] = 0;
  const PackedTernary z = repack_from_tq2_0(bytes.data(), bytes.size(), 1, 512);
  CHECK(z.sw() == 1e5f);
  CHECK(z.get(0, 0) == 0);
}

TEST_CASE("repack_from_tq2_0 rejects malformed data with a clear message") {
  const auto w = random_ternary(512, 9);
  const auto good = encode_tq2_0(w, 2, 256, trit::float_to_f16(0.5f));
  auto expect_error = [](const std::vector<uint8_t>& bytes, size_t rows, size_t cols,
                         const std::string& needle, std::optional<float> sw = std::nullopt) {
    try {
      repack_from_tq2_0(bytes.data(), bytes.size(), rows, cols, sw);
      FAIL("expected an error mentioning " << needle);
    } catch (const trit::Error& e) {
      CHECK_THAT(e.what(), Catch::Contains(needle));
    }
  };
  expect_error(good, 2, 255, "multiple of 256");
  expect_error(std::vector<uint8_t>(good.begin(), good.end() - 1), 2, 256, "bytes");
  auto code3 = good;
  code3[66 + 7] |= 0x03;
  expect_error(code3, 2, 256, "code 3");
  auto two_scales = good;
  two_scales[66 + 65] = 0x3c;  // 1.0 in the second block
  expect_error(two_scales, 2, 256, "per-block scales");
  auto negative = good;
  negative[65] |= 0x80;
  expect_error(negative, 2, 256, "finite positive");
  expect_error(good, 2, 256, "disagrees", 3.0f);
}

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
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

// An independent TQ1_0 encoder following llama-cpp-formats.md.
uint8_t pack_trits(const int8_t* w, size_t step, int n_trits) {
  int v = 0;
  for (int n = 0; n < 5; ++n) v = v * 3 + (n < n_trits ? w[step * size_t(n)] + 1 : 0);
  return uint8_t((v * 256 + 242) / 243);
}

std::vector<uint8_t> encode_tq1_0(const std::vector<int8_t>& w, size_t rows, size_t cols,
                                  uint16_t d_bits) {
  std::vector<uint8_t> out;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t b = 0; b < cols / 256; ++b) {
      const int8_t* x = w.data() + r * cols + b * 256;
      uint8_t block[54] = {};
      for (size_t m = 0; m < 32; ++m) block[m] = pack_trits(x + m, 32, 5);
      for (size_t m = 0; m < 16; ++m) block[32 + m] = pack_trits(x + 160 + m, 16, 5);
      for (size_t j = 0; j < 4; ++j) block[48 + j] = pack_trits(x + 240 + j, 4, 4);
      std::memcpy(block + 52, &d_bits, 2);
      out.insert(out.end(), block, block + 54);
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
  // set_row packs a whole row the same way as set, and names a bad value's column.
  std::vector<int8_t> row(300);
  for (size_t c = 0; c < 300; ++c) row[c] = int8_t(int(c * 7 % 3) - 1);
  p.set_row(3, row.data());
  for (size_t c = 0; c < 300; ++c) CHECK(p.get(3, c) == row[c]);
  CHECK(p.codes()[3 * 64 + 512 + 44] == 0x00);  // padding still code 0
  row[257] = 2;
  CHECK_THROWS_WITH(p.set_row(3, row.data()), Catch::Contains("column 257"));
  CHECK_THROWS_AS(p.set_row(10, row.data()), trit::Error);
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

TEST_CASE("repack_from_tq1_0 decodes the worked examples") {
  std::vector<int8_t> w(256, 0);
  // Elements 0, 32, 64, 96, 128 share qs[0]: [+1, 0, -1, -1, +1] -> byte 202.
  w[0] = 1; w[32] = 0; w[64] = -1; w[96] = -1; w[128] = 1;
  // Elements 240, 244, 248, 252 share qh[0]: [-1, +1, 0, +1] -> byte 73.
  w[240] = -1; w[244] = 1; w[248] = 0; w[252] = 1;
  const auto bytes = encode_tq1_0(w, 1, 256, trit::float_to_f16(0.5f));
  CHECK(int(bytes[0]) == 202);
  CHECK(int(bytes[48]) == 73);
  const PackedTernary p = repack_from_tq1_0(bytes.data(), bytes.size(), 1, 256);
  CHECK(p.sw() == 2.0f);
  for (size_t e = 0; e < 256; ++e) {
    if (p.get(0, e) != w[e]) FAIL_CHECK("element " << e);
  }
}

TEST_CASE("repack_from_tq1_0 round-trips every element position and rejects bad bytes") {
  const size_t rows = 3, cols = 512;
  const auto w = random_ternary(rows * cols, 13);
  const auto bytes = encode_tq1_0(w, rows, cols, trit::float_to_f16(0.125f));
  REQUIRE(bytes.size() == rows * 2 * 54);
  const PackedTernary p = repack_from_tq1_0(bytes.data(), bytes.size(), rows, cols);
  CHECK(p.sw() == 8.0f);
  for (size_t i = 0; i < rows * cols; ++i) {
    if (p.get(i / cols, i % cols) != w[i]) FAIL_CHECK("index " << i);
  }
  // 243 of the 256 byte values are encodings ceil(v*256/243); the others are corrupt.
  std::vector<bool> valid(256, false);
  for (int v = 0; v < 243; ++v) valid[size_t((v * 256 + 242) / 243)] = true;
  const auto invalid = size_t(std::find(valid.begin(), valid.end(), false) - valid.begin());
  REQUIRE(invalid < 256);
  auto bad = bytes;
  bad[54 + 5] = uint8_t(invalid);  // row 0, block 1, byte 5
  CHECK_THROWS_WITH(repack_from_tq1_0(bad.data(), bad.size(), rows, cols),
                    Catch::Contains("block 1, byte 5") && Catch::Contains("base-3"));
  CHECK_THROWS_WITH(repack_from_tq1_0(bytes.data(), bytes.size() - 2, rows, cols),
                    Catch::Contains("TQ1_0"));
}

namespace {
std::vector<uint8_t> read_fixture(const std::string& name) {
  const std::string path = std::string(TRIT_TEST_DATA_DIR) + "/data/runtime/" + name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

TEST_CASE("TQ1_0 and TQ2_0 data quantized by gguf-py (llama.cpp's reference) repack exactly") {
  // tests/data/runtime/make_tq_fixtures.py: 3 x 512 values 0.375 * t, t in {-1, 0, 1}.
  const auto t = read_fixture("tq_ternary.i8");
  REQUIRE(t.size() == 3 * 512);
  for (const char* name : {"tq1_0.bin", "tq2_0.bin"}) {
    INFO(name);
    const auto bytes = read_fixture(name);
    const PackedTernary p = std::string(name) == "tq1_0.bin"
                                ? repack_from_tq1_0(bytes.data(), bytes.size(), 3, 512)
                                : repack_from_tq2_0(bytes.data(), bytes.size(), 3, 512);
    CHECK(p.sw() == 1.0f / 0.375f);
    for (size_t i = 0; i < t.size(); ++i) {
      if (p.get(i / 512, i % 512) != int8_t(t[i])) FAIL_CHECK("index " << i);
    }
  }
}

// Tests gpu_ternary_layout.cpp: the G2 byte layout, pack/unpack round trips, conversion from the
// CPU runtime's T2 layout, and the CPU reference of the CUDA GEMV kernel against plain integer
// dot products and against the runtime's own ternary_matmul (bit for bit).
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <vector>

#include "trit/core/error.h"
#include "trit/runtime/activation_quant.h"
#include "trit/runtime/gpu_ternary_layout.h"
#include "trit/runtime/ternary_matmul.h"
#include "trit/runtime/ternary_pack.h"

using namespace trit::runtime;
namespace g2 = trit::runtime::gpu;

namespace {

std::vector<int8_t> random_ternary(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-1, 1);
  std::vector<int8_t> w(n);
  for (auto& v : w) v = int8_t(d(rng));
  return w;
}

std::vector<int8_t> random_int8(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> x(n);
  for (auto& v : x) v = int8_t(d(rng));
  return x;
}

}  // namespace

TEST_CASE("G2 geometry: columns pad to 512, rows are 128-byte multiples") {
  CHECK(g2::cols_padded(1) == 512);
  CHECK(g2::cols_padded(512) == 512);
  CHECK(g2::cols_padded(513) == 1024);
  CHECK(g2::row_bytes(2048) == 512);
  CHECK(g2::row_bytes(5632) == 1408);
  // Column 512g + q + 128n sits in byte q of group g at bits 2n.
  CHECK(g2::code_byte(256, 1, 0) == 256);
  CHECK(g2::code_byte(256, 1, 512 + 3 * 128 + 5) == 256 + 128 + 5);
  CHECK(g2::code_shift(512 + 3 * 128 + 5) == 6);
  CHECK(g2::code_shift(127) == 0);
  CHECK(g2::code_shift(128) == 2);
}

TEST_CASE("G2 bytes of hand-built rows") {
  // One row of 600 columns: all zeros except column 130 = +1 and column 515 = -1.
  std::vector<int8_t> w(600, 0);
  w[130] = 1;
  w[515] = -1;
  const auto codes = g2::pack_g2(w.data(), 1, 600);
  REQUIRE(codes.size() == 256);
  // Group 0 is full: zero weights are code 1 in all four planes (0x55) ...
  CHECK(int(codes[0]) == 0x55);
  // ... except byte 2, plane 1 (column 130), code 2.
  CHECK(int(codes[2]) == (0x55 & ~0x0c) + (2 << 2));
  // Group 1 holds columns 512..599: bytes 0..87 plane 0 only; column 515 (byte 3) code 0.
  CHECK(int(codes[128 + 0]) == 0x01);
  CHECK(int(codes[128 + 3]) == 0x00);
  CHECK(int(codes[128 + 87]) == 0x01);
  CHECK(int(codes[128 + 88]) == 0x00);  // padding
}

TEST_CASE("G2 pack and unpack round trip on ragged shapes") {
  for (size_t cols : {size_t(1), size_t(255), size_t(512), size_t(700), size_t(2053)}) {
    for (size_t rows : {size_t(1), size_t(3), size_t(9)}) {
      const auto w = random_ternary(rows * cols, uint32_t(rows * 7919 + cols));
      const auto codes = g2::pack_g2(w.data(), rows, cols);
      CHECK(codes.size() == rows * g2::row_bytes(cols));
      CHECK(g2::unpack_g2(codes.data(), codes.size(), rows, cols) == w);
    }
  }
}

TEST_CASE("G2 rejects values, codes and sizes it cannot hold") {
  std::vector<int8_t> w(10, 0);
  w[7] = 2;
  CHECK_THROWS_WITH(g2::pack_g2(w.data(), 2, 5), Catch::Contains("(1, 2)") && Catch::Contains("is 2"));
  CHECK_THROWS_WITH(g2::int8_padded(w.data(), 2, 5), Catch::Contains("(1, 2)"));
  w[7] = 0;
  auto codes = g2::pack_g2(w.data(), 2, 5);
  CHECK_THROWS_WITH(g2::unpack_g2(codes.data(), codes.size() - 1, 2, 5), Catch::Contains("expected 256"));
  auto bad = codes;
  bad[128 + 3] |= 3;  // row 1, column 3 -> code 3
  CHECK_THROWS_WITH(g2::unpack_g2(bad.data(), bad.size(), 2, 5), Catch::Contains("(1, 3)") && Catch::Contains("code 3"));
  bad = codes;
  bad[100] = 0x04;  // row 0, column 228 (padding), plane 1
  CHECK_THROWS_WITH(g2::unpack_g2(bad.data(), bad.size(), 2, 5), Catch::Contains("padding column 228"));
}

TEST_CASE("G2 from the runtime's T2 packing equals packing the values") {
  const size_t rows = 11, cols = 768;
  const auto w = random_ternary(rows * cols, 5);
  const PackedTernary t2 = repack_from_ternary(w.data(), rows, cols, 0.75f);
  CHECK(g2::g2_from_packed(t2.view()) == g2::pack_g2(w.data(), rows, cols));
}

TEST_CASE("int8 form is row-major and zero padded to 512 columns") {
  const auto w = random_ternary(3 * 70, 9);
  const auto q = g2::int8_padded(w.data(), 3, 70);
  REQUIRE(q.size() == 3 * 512);
  for (size_t r = 0; r < 3; ++r) {
    for (size_t c = 0; c < 512; ++c) CHECK(q[r * 512 + c] == (c < 70 ? w[r * 70 + c] : 0));
  }
}

TEST_CASE("dp4a reference multiplies signed byte lanes") {
  // a = bytes {1, 2, -1, -128}, b = bytes {3, -4, 5, -1}: 3 - 8 - 5 + 128 = 118.
  const uint32_t a = 0x01u | 0x02u << 8 | 0xffu << 16 | 0x80u << 24;
  const uint32_t b = 0x03u | 0xfcu << 8 | 0x05u << 16 | 0xffu << 24;
  CHECK(g2::dp4a_reference(a, b, 10) == 128);
  CHECK(g2::plane_codes(0xe4e4e4e4u, 0) == 0x00000000u);
  CHECK(g2::plane_codes(0xe4e4e4e4u, 3) == 0x03030303u);
}

TEST_CASE("GEMV reference equals a plain integer dot product, whatever the padding holds") {
  for (size_t cols : {size_t(100), size_t(512), size_t(1500), size_t(2048)}) {
    const size_t rows = 7, n_tokens = 3, stride = g2::cols_padded(cols);
    const auto w = random_ternary(rows * cols, uint32_t(cols));
    const auto x = random_int8(n_tokens * stride, uint32_t(cols + 1));  // padding is noise too
    std::vector<int32_t> xsum(n_tokens, 0);
    for (size_t t = 0; t < n_tokens; ++t) {
      for (size_t j = 0; j < cols; ++j) xsum[t] += x[t * stride + j];
    }
    const auto codes = g2::pack_g2(w.data(), rows, cols);
    const auto dots = g2::gemv_reference_i32(codes.data(), rows, cols, x.data(), n_tokens, stride, xsum.data());
    for (size_t t = 0; t < n_tokens; ++t) {
      for (size_t r = 0; r < rows; ++r) {
        int32_t expect = 0;
        for (size_t j = 0; j < cols; ++j) expect += int32_t(w[r * cols + j]) * x[t * stride + j];
        CHECK(dots[t * rows + r] == expect);
      }
    }
  }
}

TEST_CASE("GEMV reference's float output equals the CPU runtime's ternary_matmul bit for bit") {
  const size_t rows = 13, cols = 1280, n_tokens = 2, stride = g2::cols_padded(cols);
  const auto w = random_ternary(rows * cols, 21);
  std::mt19937 rng(4);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  std::vector<float> xf(n_tokens * cols);
  for (auto& v : xf) v = normal(rng);
  std::vector<int8_t> xq(n_tokens * stride);
  std::vector<float> sx(n_tokens);
  std::vector<int32_t> xsum(n_tokens);
  quantize_activations(xf.data(), n_tokens, cols, cols, xq.data(), stride, sx.data(), xsum.data(), CpuLevel::scalar);

  const float sw = 1.3f;
  const PackedTernary t2 = repack_from_ternary(w.data(), rows, cols, sw);
  const Int8ActivationsView xv{xq.data(), n_tokens, cols, stride, sx.data(), xsum.data()};
  std::vector<float> cpu(n_tokens * rows), gpu_ref(n_tokens * rows);
  ternary_matmul(t2.view(), xv, cpu.data(), rows, nullptr, CpuLevel::scalar);

  const auto codes = g2::pack_g2(w.data(), rows, cols);
  g2::gemv_reference(codes.data(), rows, cols, sw, xq.data(), n_tokens, stride, sx.data(), xsum.data(),
                     gpu_ref.data(), rows);
  for (size_t i = 0; i < cpu.size(); ++i) {
    uint32_t a, b;
    std::memcpy(&a, &cpu[i], 4);
    std::memcpy(&b, &gpu_ref[i], 4);
    CHECK(a == b);
  }
}

TEST_CASE("GEMV reference rejects a short activation stride") {
  const std::vector<int8_t> w(600, 0);
  const auto codes = g2::pack_g2(w.data(), 1, 600);
  const std::vector<int8_t> x(1024, 0);
  const int32_t xsum = 0;
  CHECK_THROWS_WITH(g2::gemv_reference_i32(codes.data(), 1, 600, x.data(), 1, 600, &xsum),
                    Catch::Contains("stride 600"));
}

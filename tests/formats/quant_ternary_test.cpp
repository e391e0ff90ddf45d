#include <catch2/catch.hpp>

#include <vector>

#include "formats/quant_vectors.h"

using namespace trit;

namespace {

std::vector<uint8_t> quantize(QuantType t, const std::vector<float>& x) {
  std::vector<uint8_t> out(row_size(t, int64_t(x.size())));
  quantize_rows(t, x.data(), 1, int64_t(x.size()), out.data());
  return out;
}

std::vector<float> dequantize(QuantType t, const std::vector<uint8_t>& bytes, int64_t n) {
  std::vector<float> out(static_cast<size_t>(n));
  dequantize_rows(t, bytes.data(), 1, n, out.data());
  return out;
}

}  // namespace

TEST_CASE("ternary codecs match gguf's reference vectors byte for byte") {
  const auto vectors = test::load_quant_vectors("ternary");
  REQUIRE(vectors.size() >= 10);
  for (const auto& v : vectors) test::check_quant_vector(v);
}

TEST_CASE("tq2_0: worked example of the 2-bit packing") {
  // d = absmax = 0.5 (f16 0x3800, stored last). Byte 0 holds elements 0, 32, 64, 96 in bit
  // pairs 0, 2, 4, 6: trits 2, 0, 1, 2 -> 2 | 0 << 2 | 1 << 4 | 2 << 6 = 146. Byte 1 holds
  // elements 1, 33, 65, 97: -0.25 / 0.5 = -0.5 rounds away from zero to -1 (trit 0), the rest
  // are 0 (trit 1): 0 | 1 << 2 | 1 << 4 | 1 << 6 = 84. All-zero bytes are 0b01010101 = 85.
  std::vector<float> x(256, 0.0f);
  x[0] = 0.5f;
  x[32] = -0.5f;
  x[96] = 0.5f;
  x[1] = -0.25f;
  const auto y = quantize(QuantType::TQ2_0, x);
  REQUIRE(y.size() == 66);
  CHECK(int(y[0]) == 146);
  CHECK(int(y[1]) == 84);
  for (int i = 2; i < 64; ++i) CHECK(int(y[size_t(i)]) == 85);
  CHECK(int(y[64]) == 0x00);
  CHECK(int(y[65]) == 0x38);
  const auto back = dequantize(QuantType::TQ2_0, y, 256);
  CHECK(back[0] == 0.5f);
  CHECK(back[32] == -0.5f);
  CHECK(back[1] == -0.5f);
  CHECK(back[64] == 0.0f);
}

TEST_CASE("tq2_0: code 3 dequantizes to +2d as llama.cpp does") {
  std::vector<uint8_t> y(66, 85);
  y[0] = 3;  // element 0 -> code 3, elements 32, 64, 96 -> code 0
  y[64] = 0x00;
  y[65] = 0x3c;  // d = 1
  const auto x = dequantize(QuantType::TQ2_0, y, 256);
  CHECK(x[0] == 2.0f);
  CHECK(x[32] == -1.0f);
  CHECK(x[1] == 0.0f);
}

TEST_CASE("tq1_0: worked example of the base-3 packing") {
  // Elements 0, 32, 64, 96, 128 share qs[0]: values +1, 0, -1, -1, +1 (d = 1) are trits
  // 2, 1, 0, 0, 2, v = 2*81 + 1*27 + 0*9 + 0*3 + 2 = 191, byte = ceil(191 * 256 / 243) = 202.
  // Elements 240, 244, 248, 252 share qh[0]: -1, +1, 0, +1 are trits 0, 2, 1, 2,
  // v = (0*27 + 2*9 + 1*3 + 2) * 3 = 69, byte = ceil(69 * 256 / 243) = 73.
  // An all-zero group (trits 1,1,1,1,1: v = 121) is ceil(121 * 256 / 243) = 128; the qh
  // all-zero group (1,1,1,1,0: v = 120) is 127.
  std::vector<float> x(256, 0.0f);
  x[0] = 1.0f;
  x[64] = -1.0f;
  x[96] = -1.0f;
  x[128] = 1.0f;
  x[240] = -1.0f;
  x[244] = 1.0f;
  x[252] = 1.0f;
  const auto y = quantize(QuantType::TQ1_0, x);
  REQUIRE(y.size() == 54);
  CHECK(int(y[0]) == 202);
  for (int i = 1; i < 48; ++i) CHECK(int(y[size_t(i)]) == 128);
  CHECK(int(y[48]) == 73);
  for (int i = 49; i < 52; ++i) CHECK(int(y[size_t(i)]) == 127);
  CHECK(int(y[52]) == 0x00);
  CHECK(int(y[53]) == 0x3c);
  CHECK(dequantize(QuantType::TQ1_0, y, 256) == x);
}

TEST_CASE("tq1_0: every 5-trit group survives the 256/243 fixed-point round trip") {
  // Place each of the 243 trit patterns in qs[0] (elements 0, 32, 64, 96, 128) of its own
  // block and check quantize then dequantize returns it.
  for (int v = 0; v < 243; ++v) {
    int digits[5];
    for (int n = 4, r = v; n >= 0; --n, r /= 3) digits[n] = r % 3;
    std::vector<float> x(256, 0.0f);
    x[255] = 1.0f;  // fixes d = 1 whatever the pattern
    for (int n = 0; n < 5; ++n) x[size_t(32 * n)] = float(digits[n] - 1);
    const auto y = quantize(QuantType::TQ1_0, x);
    INFO("pattern " << v);
    CHECK(int(y[0]) == (v * 256 + 242) / 243);
    CHECK(dequantize(QuantType::TQ1_0, y, 256) == x);
  }
}

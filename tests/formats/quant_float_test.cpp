#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include "formats/quant_vectors.h"

using namespace trit;

namespace {

uint16_t one_f16(float v, QuantType t) {
  uint8_t y[2];
  quantize_rows(t, &v, 1, 1, y);
  return uint16_t(y[0] | (y[1] << 8));
}

}  // namespace

TEST_CASE("f32, f16 and bf16 match gguf's and numpy's vectors bit for bit") {
  const auto vectors = test::load_quant_vectors("float");
  REQUIRE(vectors.size() >= 9);
  for (const auto& v : vectors) test::check_quant_vector(v);
}

TEST_CASE("f16 rounding: ties to even, subnormals, overflow, NaN") {
  const QuantType t = QuantType::F16;
  CHECK(one_f16(1.0f + 0x1p-11f, t) == 0x3c00);      // tie -> even (1.0)
  CHECK(one_f16(1.0f + 3 * 0x1p-11f, t) == 0x3c02);  // tie -> even (1 + 2^-9)
  CHECK(one_f16(0x1p-25f, t) == 0x0000);             // subnormal tie -> 0
  CHECK(one_f16(3 * 0x1p-25f, t) == 0x0002);         // subnormal tie -> 2 * 2^-24
  CHECK(one_f16(65519.0f, t) == 0x7bff);             // below the overflow tie: 65504
  CHECK(one_f16(65520.0f, t) == 0x7c00);             // tie at the top rounds to inf
  CHECK(one_f16(-0.0f, t) == 0x8000);
  CHECK(one_f16(std::numeric_limits<float>::quiet_NaN(), t) == 0x7e00);
}

TEST_CASE("bf16 rounding: ties to even, no flush of subnormals, quiet NaN") {
  const QuantType t = QuantType::BF16;
  CHECK(one_f16(1.0f + 0x1p-8f, t) == 0x3f80);
  CHECK(one_f16(1.0f + 3 * 0x1p-8f, t) == 0x3f82);
  CHECK(one_f16(std::bit_cast<float>(0x00018000u), t) == 0x0002);  // subnormal tie -> even
  CHECK(one_f16(std::bit_cast<float>(0x7f800001u), t) == 0x7fc0);  // signalling NaN -> quiet
  CHECK(one_f16(std::bit_cast<float>(0x7f7fffffu), t) == 0x7f80);  // FLT_MAX rounds to inf
}

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "trit/formats/quant_codecs.h"

using namespace trit::quant;

TEST_CASE("round_half_away_narrowed is C's roundf, with x86's result for NaN and inf") {
  const float cases[] = {0.0f, -0.0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 0.49999997f, -0.49999997f,
                         126.5f, -127.5f, 8388607.5f, -8388607.5f, 8388609.0f, 1073741824.0f, 1e-30f};
  for (float v : cases) {
    INFO(v);
    CHECK(round_half_away_narrowed(v) == int32_t(std::lround(v)));
  }
  std::mt19937 gen(3);
  std::uniform_real_distribution<float> uni(-200.0f, 200.0f);
  for (int i = 0; i < 100000; ++i) {
    const float v = uni(gen);
    REQUIRE(round_half_away_narrowed(v) == int32_t(std::lround(v)));
  }
  CHECK(round_half_away_narrowed(std::numeric_limits<float>::quiet_NaN()) == 0);
  CHECK(round_half_away_narrowed(std::numeric_limits<float>::infinity()) == 0);
  CHECK(round_half_away_narrowed(-std::numeric_limits<float>::infinity()) == 0);
  CHECK(round_half_away_narrowed(3e9f) == 0);
}

TEST_CASE("truncate_like_x86 truncates toward zero and gives INT32_MIN when out of range") {
  CHECK(truncate_like_x86(16.5f) == 16);
  CHECK(truncate_like_x86(-0.75f) == 0);
  CHECK(truncate_like_x86(-7.99f) == -7);
  CHECK(truncate_like_x86(std::numeric_limits<float>::quiet_NaN()) == INT32_MIN);
  CHECK(truncate_like_x86(std::numeric_limits<float>::infinity()) == INT32_MIN);
  CHECK(truncate_like_x86(-3e9f) == INT32_MIN);
  CHECK(int8_t(truncate_like_x86(std::numeric_limits<float>::infinity())) == 0);
}

TEST_CASE("nearest_int rounds half to even below 2^22") {
  CHECK(nearest_int(0.5f) == 0);
  CHECK(nearest_int(1.5f) == 2);
  CHECK(nearest_int(2.5f) == 2);
  CHECK(nearest_int(-0.5f) == 0);
  CHECK(nearest_int(-1.5f) == -2);
  CHECK(nearest_int(-2.5f) == -2);
  CHECK(nearest_int(62.5f) == 62);
  CHECK(nearest_int(63.49999f) == 63);
  std::mt19937 gen(5);
  std::uniform_real_distribution<float> uni(-4194303.0f, 4194303.0f);
  for (int i = 0; i < 100000; ++i) {
    const float v = i % 2 ? uni(gen) : uni(gen) / 65536.0f;
    REQUIRE(nearest_int(v) == int32_t(std::nearbyint(v)));
  }
}

TEST_CASE("f16 fields are little-endian") {
  uint8_t p[2];
  store_f16(p, 1.0f);
  CHECK(int(p[0]) == 0x00);
  CHECK(int(p[1]) == 0x3c);
  store_f16(p, -2.0f / 3.0f);  // 0xb955
  CHECK(int(p[0]) == 0x55);
  CHECK(int(p[1]) == 0xb9);
  CHECK(load_f16(p) == -0.66650390625f);
}

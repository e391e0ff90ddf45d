#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "trit/core/half.h"

using namespace trit;

namespace {

// binary16 value from its fields, computed independently of half.h.
double f16_reference(uint16_t h) {
  const int sign = h >> 15;
  const int exp = (h >> 10) & 0x1f;
  const int man = h & 0x3ff;
  double v = 0;
  if (exp == 0) v = std::ldexp(double(man), -24);
  else if (exp == 31) v = man ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  else v = std::ldexp(double(1024 + man), exp - 25);
  return sign ? -v : v;
}

}  // namespace

TEST_CASE("f16 -> float is exact for all 65536 patterns") {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = f16_to_float(uint16_t(h));
    const double ref = f16_reference(uint16_t(h));
    if (std::isnan(ref)) {
      REQUIRE(std::isnan(f));
      REQUIRE(std::signbit(f) == bool(h >> 15));
    } else {
      REQUIRE(double(f) == ref);
      REQUIRE(std::signbit(f) == bool(h >> 15));  // -0 stays -0
    }
  }
}

TEST_CASE("float -> f16 round-trips every f16 value and quiets NaN") {
  for (uint32_t h = 0; h < 65536; ++h) {
    const uint16_t back = float_to_f16(f16_to_float(uint16_t(h)));
    if ((h & 0x7fff) > 0x7c00) REQUIRE(back == ((h & 0x8000) | 0x7e00));
    else REQUIRE(back == h);
  }
}

TEST_CASE("float -> f16 rounds to nearest, ties to even, at every boundary") {
  // Between consecutive positive finite f16 values lo < hi (subnormals included), the exact
  // midpoint (representable in float) goes to the even one, and the floats next to it go to
  // the nearer one. Negative values mirror.
  for (uint16_t h = 0; h < 0x7bff; ++h) {
    const float lo = f16_to_float(h);
    const float hi = f16_to_float(uint16_t(h + 1));
    const float mid = (lo + hi) / 2;
    REQUIRE(double(mid) == (double(lo) + double(hi)) / 2);
    const uint16_t even = (h & 1) ? uint16_t(h + 1) : h;
    REQUIRE(float_to_f16(mid) == even);
    REQUIRE(float_to_f16(std::nextafter(mid, 0.0f)) == h);
    REQUIRE(float_to_f16(std::nextafter(mid, 1e9f)) == h + 1);
    REQUIRE(float_to_f16(-mid) == (0x8000 | even));
  }
  // Above the largest finite value 65504 the tie with the next step (65536) is 65520.
  CHECK(float_to_f16(65520.0f) == 0x7c00);
  CHECK(float_to_f16(std::nextafter(65520.0f, 0.0f)) == 0x7bff);
  CHECK(float_to_f16(1e30f) == 0x7c00);
  CHECK(float_to_f16(-std::numeric_limits<float>::infinity()) == 0xfc00);
  // Below half the smallest subnormal everything rounds to (signed) zero.
  CHECK(float_to_f16(0x1p-25f) == 0x0000);
  CHECK(float_to_f16(std::nextafter(0x1p-25f, 1.0f)) == 0x0001);
  CHECK(float_to_f16(-1e-30f) == 0x8000);
  CHECK(float_to_f16(std::bit_cast<float>(1u)) == 0x0000);  // float subnormal
}

TEST_CASE("bf16 conversions: exact widening, ties to even, quiet NaN") {
  for (uint32_t b = 0; b < 65536; ++b) {
    const float f = bf16_to_float(uint16_t(b));
    REQUIRE(std::bit_cast<uint32_t>(f) == b << 16);
    const bool nan = (b & 0x7fff) > 0x7f80;
    REQUIRE(float_to_bf16(f) == (nan ? (b | 0x40) : b));
    if ((b & 0x7fff) < 0x7f7f) {  // finite with a finite successor
      const uint32_t mid = (b << 16) | 0x8000u;
      const uint32_t even = (b & 1) ? b + 1 : b;
      REQUIRE(float_to_bf16(std::bit_cast<float>(mid)) == even);
      REQUIRE(float_to_bf16(std::bit_cast<float>(mid - 1)) == b);
      REQUIRE(float_to_bf16(std::bit_cast<float>(mid + 1)) == b + 1);
    }
  }
  CHECK(float_to_bf16(std::bit_cast<float>(0x7f7fffffu)) == 0x7f80);  // FLT_MAX -> inf
}

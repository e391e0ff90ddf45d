#pragma once
// exp for float that the compiler vectorises (no libm call in the loop): range reduction
// x = n ln2 + r with |r| <= ln2/2, a degree-6 polynomial for e^r, and 2^n by exponent bits.
// Relative error below 2e-7 (about 1.5 float ulp) over the float range; inputs below -87.3
// give 0 (or a value that flushes to zero), above 88.7 give +inf, NaN stays NaN. Used where
// the float pipeline already rounds at this level (softmax, sigmoid, SiLU); double paths and
// everything that must match another implementation bit for bit keep std::exp.
#include <bit>
#include <cmath>
#include <cstdint>

namespace trit::cpu {

inline float fast_exp(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  const float xc = x < -87.3365f ? -87.3365f : (x > 88.7228f ? 88.7228f : x);
  const float n = std::nearbyint(xc * kLog2e);
  const float r = (xc - n * kLn2Hi) - n * kLn2Lo;
  // e^r on [-ln2/2, ln2/2]: Taylor-like minimax coefficients (Cephes expf)
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t e = int32_t(n);
  // 2^n for n in [-126, 128): scale in two steps so n = 128 (x near 88.72) does not overflow the bits
  const float s1 = std::bit_cast<float>(int32_t((e / 2 + 127) << 23));
  const float s2 = std::bit_cast<float>(int32_t((e - e / 2 + 127) << 23));
  float y = p * s1 * s2;
  y = x > 88.7228f ? INFINITY : y;
  y = x < -87.3365f ? 0.0f : y;
  return x != x ? x : y;
}

inline double fast_exp(double x) { return std::exp(x); }  // doubles keep libm's exp

}  // namespace trit::cpu

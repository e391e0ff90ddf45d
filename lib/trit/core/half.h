#pragma once
// IEEE half (f16) and bfloat16 stored as uint16_t, with float conversion rounding to nearest,
// ties to even (what PyTorch, numpy and llama.cpp's GGML_FP32_TO_FP16 / to-bf16 do).
// NaN stays NaN (quiet); overflow goes to inf; subnormals are kept.
#include <bit>
#include <cstdint>

namespace trit {

struct bf16 { uint16_t bits = 0; };
struct f16 { uint16_t bits = 0; };

inline float bf16_to_float(uint16_t h) { return std::bit_cast<float>(uint32_t(h) << 16); }

inline uint16_t float_to_bf16(float f) {
  uint32_t u = std::bit_cast<uint32_t>(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return uint16_t((u >> 16) | 0x40);  // quiet NaN
  u += 0x7fffu + ((u >> 16) & 1u);                                           // round to even
  return uint16_t(u >> 16);
}

inline float f16_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  const uint32_t man = h & 0x3ffu;
  if (exp == 0) {
    // zero or subnormal: value = man * 2^-24
    const float v = float(man) * 0x1p-24f;
    return std::bit_cast<float>(std::bit_cast<uint32_t>(v) | sign);
  }
  if (exp == 31) return std::bit_cast<float>(sign | 0x7f800000u | (man << 13));
  return std::bit_cast<float>(sign | ((exp + 112u) << 23) | (man << 13));
}

inline uint16_t float_to_f16(float f) {
  const uint32_t u = std::bit_cast<uint32_t>(f);
  const uint16_t sign = uint16_t((u >> 16) & 0x8000u);
  const uint32_t a = u & 0x7fffffffu;
  if (a > 0x7f800000u) return uint16_t(sign | 0x7e00u);  // NaN
  if (a >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // rounds to >= 65520: inf
  if (a < 0x38800000u) {
    // Result is subnormal (or zero): scale so the float adder rounds to even at 2^-24.
    const float v = std::bit_cast<float>(a) + 0.5f;  // 0.5 = 2^-1 puts 2^-24 at the last mantissa bit
    return uint16_t(sign | uint16_t(std::bit_cast<uint32_t>(v) - std::bit_cast<uint32_t>(0.5f)));
  }
  // Normal: rebias exponent, round mantissa 23 -> 10 bits to nearest even.
  uint32_t r = a - 0x38000000u;  // (127 - 15) << 23
  r += 0xfffu + ((r >> 13) & 1u);
  return uint16_t(sign | uint16_t(r >> 13));
}

}  // namespace trit

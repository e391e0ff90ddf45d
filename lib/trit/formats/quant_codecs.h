#pragma once
// Internal to the quant codecs: the per-type row functions quant_type.cpp dispatches to, and
// the small numeric helpers that make them round exactly like llama.cpp's C reference.
//
// Row functions take one row of n elements (n a multiple of the block size, checked by the
// caller) and never throw. Their names derive from the enum names in TRIT_QUANT_TYPES
// (quantize_row_Q4_K, dequantize_row_TQ2_0, ...), so adding a type to the list without its
// codec fails to link.
//
// These files are compiled with -ffp-contract=off (lib/CMakeLists.txt): a fused multiply-add
// rounds once where the reference rounds twice, which would change bytes.
#include <bit>
#include <cmath>
#include <cstdint>

#include "trit/core/half.h"
#include "trit/formats/quant_type.h"

namespace trit::quant {

#define X(e, id, n, bs, ts, fin)                                         \
  void quantize_row_##e(const float* x, uint8_t* y, int64_t n_elems);   \
  void dequantize_row_##e(const uint8_t* y, float* x, int64_t n_elems);
TRIT_QUANT_TYPES(X)
#undef X

// Q4_K's per-sub-block fit: llama.cpp's make_qkx2_quants(32, 15, x, w, L, &the_min, Laux,
// -1, 0.1, 20, false) in scalar form. Returns the scale, stores -min (>= 0) and 32 quants.
float q4_k_fit_scale_min(const float* x, const float* w, uint8_t* L, float* neg_min);
// Its 4-lane twin (what the quantizer runs), fitting four sub-blocks at once on transposed
// data: xt[4 i + j], wt[4 i + j] and Lt[4 i + j] are element i of sub-block j; scale[j] and
// neg_min[j] its results. Bit-identical to q4_k_fit_scale_min on each sub-block.
void q4_k_fit_scale_min_4(const float* xt, const float* wt, uint8_t* Lt, float* scale,
                          float* neg_min);

// Half-precision fields are stored little-endian.
inline void store_f16(uint8_t* p, float v) {
  const uint16_t h = float_to_f16(v);
  p[0] = uint8_t(h & 0xff);
  p[1] = uint8_t(h >> 8);
}
inline float load_f16(const uint8_t* p) { return f16_to_float(uint16_t(p[0] | (p[1] << 8))); }

// C's float -> integer conversion as x86-64 executes it (cvttss2si): truncation toward zero,
// and the "integer indefinite" 0x80000000 for NaN or out-of-range values. The reference
// reaches that case only for blocks whose largest magnitude is a float subnormal below
// 2^-128 (then 1/d overflows to inf); emulating it keeps us byte-identical there too.
inline int32_t truncate_like_x86(float v) {
  if (!(v > -2147483648.0f && v < 2147483648.0f)) return INT32_MIN;
  return int32_t(v);
}

// C's roundf / lroundf (half away from zero) followed by the reference's narrowing to int8 or
// int: finite in-range values round normally; NaN/inf give the x86 indefinite value, whose
// low 8 and 32 bits are zero, so the narrowed result is 0.
// (Computed without libm: truncate, then step away from zero when the exact remainder
// v - t reaches one half. The remainder is exact: below 2^23 it is the fraction of v, above it
// v is an integer and the remainder is 0.)
inline int32_t round_half_away_narrowed(float v) {
  if (!(v > -2147483648.0f && v < 2147483648.0f)) return 0;
  const int32_t t = int32_t(v);
  const float r = v - float(t);
  return t + int32_t(r >= 0.5f) - int32_t(r <= -0.5f);  // branch-free: r is random in data
}

// llama.cpp's nearest_int: adding 1.5 * 2^23 makes the float adder round to an integer,
// half to even; the integer is read back from the mantissa bits. Exact for |v| < 2^22 and a
// deterministic (garbage) value otherwise, exactly as in the reference.
inline int32_t nearest_int(float v) {
  const float shifted = v + 12582912.0f;
  const int32_t bits = std::bit_cast<int32_t>(shifted);
  return (bits & 0x007fffff) - 0x00400000;
}

}  // namespace trit::quant

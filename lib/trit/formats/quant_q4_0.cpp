// Q4_0: blocks of 32 elements in 18 bytes (ggml block_q4_0).
//
//   offset 0  : f16    d        scale, little-endian
//   offset 2  : uint8  qs[16]   byte j: low nibble = q of element j, high nibble = q of
//                               element j + 16; element value = (q - 8) * d
//
// Quantizing (quantize_row_q4_0_ref): max = the signed value of largest magnitude (the first
// one on ties), d = max / -8, id = 1/d (0 when d is 0), q = min(15, trunc(x * id + 8.5f)).
// The sign matters: the extreme element maps to q = 0 (value -8 d = max), so the other sign
// reaches only +7 d. Truncating after adding 8.5 rounds x * id half up.
// Dequantizing (dequantize_row_q4_0): x = (q - 8) * f16_to_float(d).
#include <algorithm>

#include "trit/formats/quant_codecs.h"

namespace trit::quant {
namespace {
constexpr int64_t kBlock = 32;
constexpr int64_t kBytes = 18;
}  // namespace

void quantize_row_Q4_0(const float* x, uint8_t* y, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, y += kBytes) {
    float amax = 0.0f;
    float max = 0.0f;
    for (int64_t j = 0; j < kBlock; ++j) {
      if (amax < std::fabs(x[j])) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    }
    const float d = max / -8;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    store_f16(y, d);
    for (int64_t j = 0; j < kBlock / 2; ++j) {
      const float v0 = x[j] * id;
      const float v1 = x[j + kBlock / 2] * id;
      // The reference narrows to int8 before the min; out-of-range values cannot occur for
      // finite id, and the x86 conversion is emulated for the infinite one.
      const int q0 = std::min(15, int(int8_t(truncate_like_x86(v0 + 8.5f))));
      const int q1 = std::min(15, int(int8_t(truncate_like_x86(v1 + 8.5f))));
      y[2 + j] = uint8_t(uint8_t(q0) | uint8_t(q1 << 4));
    }
  }
}

void dequantize_row_Q4_0(const uint8_t* y, float* x, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, y += kBytes) {
    const float d = load_f16(y);
    for (int64_t j = 0; j < kBlock / 2; ++j) {
      x[j] = float((y[2 + j] & 0x0f) - 8) * d;
      x[j + kBlock / 2] = float((y[2 + j] >> 4) - 8) * d;
    }
  }
}

}  // namespace trit::quant

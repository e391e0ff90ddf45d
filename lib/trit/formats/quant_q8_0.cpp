// Q8_0: blocks of 32 elements in 34 bytes (ggml block_q8_0).
//
//   offset 0  : f16   d        scale, little-endian
//   offset 2  : int8  qs[32]   element j of the block is qs[j] * d
//
// Quantizing (quantize_row_q8_0_ref): amax = max |x|, d = amax / 127 (float), id = 1/d (0 when
// d is 0), qs[j] = roundf(x[j] * id), i.e. ties away from zero; d is stored as f16 after
// being used in float, so the stored scale is the f16 rounding of amax / 127.
// Dequantizing (dequantize_row_q8_0): x = qs * f16_to_float(d), one float multiply.
#include <algorithm>

#include "trit/formats/quant_codecs.h"

namespace trit::quant {
namespace {
constexpr int64_t kBlock = 32;
constexpr int64_t kBytes = 34;
}  // namespace

void quantize_row_Q8_0(const float* x, uint8_t* y, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, y += kBytes) {
    float amax = 0.0f;
    for (int64_t j = 0; j < kBlock; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    store_f16(y, d);
    for (int64_t j = 0; j < kBlock; ++j)
      y[2 + j] = uint8_t(int8_t(round_half_away_narrowed(x[j] * id)));
  }
}

void dequantize_row_Q8_0(const uint8_t* y, float* x, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, y += kBytes) {
    const float d = load_f16(y);
    for (int64_t j = 0; j < kBlock; ++j) x[j] = float(int8_t(y[2 + j])) * d;
  }
}

}  // namespace trit::quant

// F32, F16 and BF16 rows: one element per "block", little-endian.
//
//   F32  : 4 bytes, the IEEE binary32 bits unchanged (NaN payloads included).
//   F16  : 2 bytes, IEEE binary16. float -> f16 rounds to nearest, ties to even, keeps
//          subnormals, overflows to inf, NaN -> 0x7E00 with the sign kept
//          (ggml_compute_fp32_to_fp16, numpy astype(float16) for ordinary NaNs).
//   BF16 : 2 bytes, the top half of binary32. Rounds to nearest even on the dropped 16 bits
//          without flushing subnormals; NaN -> (bits >> 16) | 0x40, a quiet NaN
//          (ggml_compute_fp32_to_bf16 / ggml_fp32_to_bf16_row_ref).
// Dequantizing is exact: f16 -> float and bf16 -> float lose nothing.
#include <cstring>

#include "trit/formats/quant_codecs.h"

namespace trit::quant {

void quantize_row_F32(const float* x, uint8_t* y, int64_t n) {
  std::memcpy(y, x, size_t(n) * sizeof(float));
}

void dequantize_row_F32(const uint8_t* y, float* x, int64_t n) {
  std::memcpy(x, y, size_t(n) * sizeof(float));
}

void quantize_row_F16(const float* x, uint8_t* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) store_f16(y + 2 * i, x[i]);
}

void dequantize_row_F16(const uint8_t* y, float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] = load_f16(y + 2 * i);
}

void quantize_row_BF16(const float* x, uint8_t* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const uint16_t b = float_to_bf16(x[i]);
    y[2 * i] = uint8_t(b & 0xff);
    y[2 * i + 1] = uint8_t(b >> 8);
  }
}

void dequantize_row_BF16(const uint8_t* y, float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] = bf16_to_float(uint16_t(y[2 * i] | (y[2 * i + 1] << 8)));
}

}  // namespace trit::quant

// TQ1_0 and TQ2_0: ternary blocks of 256 elements, value = (t - 1) * d with trit t in {0,1,2}.
//
// Both quantizers (quantize_row_tq1_0_ref / quantize_row_tq2_0_ref) use the block's absolute
// maximum as the scale: d = max |x| (float), id = 1/d (0 when d is 0),
// t = lroundf(x * id) + 1 (ties away from zero, so |x| = d/2 gives +-1); d is stored as f16.
//
// TQ2_0, 66 bytes (ggml block_tq2_0):
//   offset 0  : uint8 qs[64]  2 bits per element. Byte 32h + m (h = 0..1, m = 0..31) holds
//                             element 128h + 32n + m in bits 2n..2n+1 (n = 0..3)
//   offset 64 : f16   d       little-endian, AFTER the quants
//   Dequantizing: x = (((byte >> 2n) & 3) - 1) * d; code 3 (never written) gives +2d.
//
// TQ1_0, 54 bytes (ggml block_tq1_0): 5 trits per byte in base 3 (3^5 = 243 <= 256):
//   offset 0  : uint8 qs[48]  qs[m],      m = 0..31: elements m + 32n,        n = 0..4
//                             qs[32 + m], m = 0..15: elements 160 + m + 16n, n = 0..4
//   offset 48 : uint8 qh[4]   qh[j],      j = 0..3 : elements 240 + j + 4n,   n = 0..3
//   offset 52 : f16   d       little-endian, AFTER the quants
//   A byte's trits t_0..t_4 (t_0 = first element listed) form v = sum t_n 3^(4-n) (qh bytes
//   hold 4 trits and a 0 as t_4); the byte stored is ceil(v * 256 / 243), i.e. v / 243 as an
//   8-bit fixed-point fraction. Trit n is read back as ((uint8(byte * 3^n)) * 3) >> 8.
#include <algorithm>

#include "trit/formats/quant_codecs.h"

namespace trit::quant {
namespace {

constexpr int64_t kBlock = 256;
constexpr int64_t kTq1Bytes = 54;
constexpr int64_t kTq2Bytes = 66;

// Scale and trits (as the reference's int, 0/1/2 for finite input) of one block.
float block_trits(const float* x, int32_t* t) {
  float amax = 0.0f;
  for (int64_t j = 0; j < kBlock; ++j) amax = std::max(amax, std::fabs(x[j]));
  const float id = amax != 0.0f ? 1.0f / amax : 0.0f;
  for (int64_t j = 0; j < kBlock; ++j) t[j] = round_half_away_narrowed(x[j] * id) + 1;
  return amax;
}

// Base-3 digits first-most-significant, accumulated in uint8 as the reference does.
uint8_t pack_base3(const int32_t* t, int64_t stride, int count) {
  uint8_t q = 0;
  for (int n = 0; n < count; ++n) q = uint8_t(q * 3 + t[n * stride]);
  return q;
}

uint8_t fixed_point_243(uint8_t v) { return uint8_t((int(v) * 256 + 242) / 243); }

float trit_value(uint8_t byte, int n, float d) {
  static constexpr uint8_t kPow3[5] = {1, 3, 9, 27, 81};
  const uint8_t q = uint8_t(byte * kPow3[n]);
  const int t = (int(q) * 3) >> 8;
  return float(t - 1) * d;
}

}  // namespace

void quantize_row_TQ2_0(const float* x, uint8_t* y, int64_t n) {
  int32_t t[kBlock];
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, y += kTq2Bytes) {
    const float d = block_trits(x, t);
    for (int h = 0; h < 2; ++h) {
      for (int m = 0; m < 32; ++m) {
        uint8_t q = 0;
        for (int k = 0; k < 4; ++k) q = uint8_t(q + ((t[128 * h + 32 * k + m] & 3) << (2 * k)));
        y[32 * h + m] = q;
      }
    }
    store_f16(y + 64, d);
  }
}

void dequantize_row_TQ2_0(const uint8_t* y, float* x, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, y += kTq2Bytes) {
    const float d = load_f16(y + 64);
    for (int h = 0; h < 2; ++h)
      for (int k = 0; k < 4; ++k)
        for (int m = 0; m < 32; ++m)
          x[128 * h + 32 * k + m] = float(((y[32 * h + m] >> (2 * k)) & 3) - 1) * d;
  }
}

void quantize_row_TQ1_0(const float* x, uint8_t* y, int64_t n) {
  int32_t t[kBlock];
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, y += kTq1Bytes) {
    const float d = block_trits(x, t);
    for (int m = 0; m < 32; ++m) y[m] = fixed_point_243(pack_base3(t + m, 32, 5));
    for (int m = 0; m < 16; ++m) y[32 + m] = fixed_point_243(pack_base3(t + 160 + m, 16, 5));
    for (int j = 0; j < 4; ++j) {
      const uint8_t v = uint8_t(pack_base3(t + 240 + j, 4, 4) * 3);  // 5th trit is 0
      y[48 + j] = fixed_point_243(v);
    }
    store_f16(y + 52, d);
  }
}

void dequantize_row_TQ1_0(const uint8_t* y, float* x, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, y += kTq1Bytes) {
    const float d = load_f16(y + 52);
    for (int k = 0; k < 5; ++k)
      for (int m = 0; m < 32; ++m) x[32 * k + m] = trit_value(y[m], k, d);
    for (int k = 0; k < 5; ++k)
      for (int m = 0; m < 16; ++m) x[160 + 16 * k + m] = trit_value(y[32 + m], k, d);
    for (int k = 0; k < 4; ++k)
      for (int j = 0; j < 4; ++j) x[240 + 4 * k + j] = trit_value(y[48 + j], k, d);
  }
}

}  // namespace trit::quant

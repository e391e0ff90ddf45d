// Q4_K: super-blocks of 256 elements in 144 bytes (ggml block_q4_K), made of 8 sub-blocks of
// 32 elements. Element i of sub-block j is  x = d * sc_j * q_i - dmin * m_j  with 6-bit sc_j,
// m_j and 4-bit q_i.
//
//   offset 0  : f16   d          super-scale of the sub-block scales, little-endian
//   offset 2  : f16   dmin       super-scale of the sub-block mins, little-endian
//   offset 4  : uint8 scales[12] the 8 (sc_j, m_j) pairs, 6 bits each:
//                 j < 4 : scales[j] bits 0-5 = sc_j,  scales[j+4] bits 0-5 = m_j
//                 j >= 4: scales[j+4] = (sc_j & 15) | (m_j & 15) << 4,
//                         scales[j-4] bits 6-7 = sc_j >> 4,  scales[j] bits 6-7 = m_j >> 4
//   offset 16 : uint8 qs[128]    chunk c = 0..3 covers elements 64c..64c+63:
//                                qs[32c + l] = q[64c + l] | q[64c + 32 + l] << 4
//
// Quantizing follows quantize_row_q4_K_ref step by step (every float operation in the same
// order, no fused multiply-add, so the bytes match):
//  1. Per sub-block, weights w_i = sqrt(sum x^2 / 32) + |x_i| and q4_k_fit_scale_min()
//     (llama.cpp's make_qkx2_quants with nmax 15, rmin -1, rdelta 0.1, nstep 20, squared
//     error) gives a float scale s_j and min m_j >= 0 with x ~ s_j * L - m_j, plus initial
//     quants L. The quantizer runs its 4-lane twin q4_k_fit_scale_min_4 (same operations per
//     lane, 2-3x faster); the scalar form stays as the readable reference the tests hold the
//     twin to.
//  2. 6-bit codes: sc_j = min(63, uint8(nearest_int(63 / max_s * s_j))), same for mins with
//     max_m; d = f16(max_s / 63), dmin = f16(max_m / 63). nearest_int rounds half to even.
//  3. Requantize each element against the stored scales: with D = f16(d) * sc_j and
//     M = f16(dmin) * m_j, q = clamp(nearest_int((x + M) / D), 0, 15). A sub-block whose D is
//     0 keeps the quants of step 1, as the reference does.
// Dequantizing (dequantize_row_q4_K): x = (f16(d) * sc_j) * q - (f16(dmin) * m_j).
#include <algorithm>
#include <bit>
#include <cstring>

#include "trit/formats/quant_codecs.h"

namespace trit::quant {
namespace {

constexpr int64_t kBlock = 256;
constexpr int64_t kBytes = 144;
constexpr int kSub = 32;
constexpr int kNmax = 15;
constexpr int kLanes = 8;  // sub-blocks per super-block
constexpr float kRmin = -1.0f;
constexpr float kRdelta = 0.1f;
constexpr int kSteps = 20;

}  // namespace

// Weighted least-squares fit of x ~ scale * L + min over 4-bit L, min <= 0, searching 21
// candidate inverse scales (nmax + rmin + rdelta * is) / (max - min), is = 0..20, and keeping
// the one with the lowest weighted squared error. Note `min` is updated by an accepted
// candidate and the later candidates are computed from it, exactly as in the reference.
// Returns the scale, stores -min in *neg_min and the chosen quants in L.
float q4_k_fit_scale_min(const float* x, const float* w, uint8_t* L, float* neg_min) {
  float min = x[0];
  float max = x[0];
  float sum_w = w[0];
  float sum_x = sum_w * x[0];
  for (int i = 1; i < kSub; ++i) {
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
    sum_w += w[i];
    sum_x += w[i] * x[i];
  }
  if (min > 0) min = 0;
  if (max == min) {
    for (int i = 0; i < kSub; ++i) L[i] = 0;
    *neg_min = -min;
    return 0.0f;
  }

  float iscale = float(kNmax) / (max - min);
  float scale = 1 / iscale;
  float best_error = 0;
  for (int i = 0; i < kSub; ++i) {
    const int l = nearest_int(iscale * (x[i] - min));
    L[i] = uint8_t(std::clamp(l, 0, kNmax));
    float diff = scale * float(L[i]) + min - x[i];
    diff = diff * diff;
    best_error += w[i] * diff;
  }

  uint8_t Laux[kSub];
  for (int is = 0; is <= kSteps; ++is) {
    iscale = (kRmin + kRdelta * float(is) + float(kNmax)) / (max - min);
    float sum_l = 0;
    float sum_l2 = 0;
    float sum_xl = 0;
    for (int i = 0; i < kSub; ++i) {
      const int l = std::clamp(nearest_int(iscale * (x[i] - min)), 0, kNmax);
      Laux[i] = uint8_t(l);
      const float fl = float(l);
      sum_l += w[i] * fl;
      sum_l2 += w[i] * fl * fl;
      sum_xl += w[i] * fl * x[i];
    }
    const float D = sum_w * sum_l2 - sum_l * sum_l;
    if (!(D > 0)) continue;
    float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
    float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
    if (this_min > 0) {
      this_min = 0;
      this_scale = sum_xl / sum_l2;
    }
    float cur_error = 0;
    for (int i = 0; i < kSub; ++i) {
      float diff = this_scale * float(Laux[i]) + this_min - x[i];
      diff = diff * diff;
      cur_error += w[i] * diff;
    }
    if (cur_error < best_error) {
      std::copy(Laux, Laux + kSub, L);
      best_error = cur_error;
      scale = this_scale;
      min = this_min;
    }
  }
  *neg_min = -min;
  return scale;
}

namespace {

// Four float / int32 lanes (GCC and Clang vector extensions; plain SSE2 on x86-64). Lane
// arithmetic is IEEE single precision exactly like the scalar operations it replaces.
typedef float F4 __attribute__((vector_size(16)));
typedef int32_t I4 __attribute__((vector_size(16)));

inline I4 nearest_int4(F4 v) {
  const I4 bits = std::bit_cast<I4>(v + 12582912.0f);
  return (bits & 0x007fffff) - 0x00400000;
}

inline I4 clamp_quant4(I4 l) {
  const I4 zero = {0, 0, 0, 0};
  const I4 top = {kNmax, kNmax, kNmax, kNmax};
  l = l < zero ? zero : l;
  return l > top ? top : l;
}

inline F4 to_float4(I4 l) { return __builtin_convertvector(l, F4); }

bool any_lane(I4 mask) { return (mask[0] | mask[1] | mask[2] | mask[3]) != 0; }

}  // namespace

// Lane j performs on sub-block j exactly the float operations of q4_k_fit_scale_min, in the
// same order; the four independent dependency chains run side by side in vector registers.
void q4_k_fit_scale_min_4(const float* xt, const float* wt, uint8_t* Lt, float* scale_out,
                          float* neg_min_out) {
  F4 x[kSub], w[kSub];
  std::memcpy(x, xt, sizeof(x));
  std::memcpy(w, wt, sizeof(w));
  const F4 zero = {0, 0, 0, 0};

  F4 min = x[0], max = x[0];
  F4 sum_w = w[0];
  F4 sum_x = sum_w * x[0];
  for (int i = 1; i < kSub; ++i) {
    min = x[i] < min ? x[i] : min;
    max = x[i] > max ? x[i] : max;
    sum_w += w[i];
    sum_x += w[i] * x[i];
  }
  min = min > zero ? zero : min;
  // A flat lane (max == min) returns before the search in the scalar form (quants 0, scale
  // 0); here it goes through the arithmetic but never accepts a candidate.
  const I4 flat = max == min;

  F4 iscale = float(kNmax) / (max - min);
  F4 scale = 1.0f / iscale;
  F4 best_error = zero;
  I4 L[kSub];
  for (int i = 0; i < kSub; ++i) {
    L[i] = clamp_quant4(nearest_int4(iscale * (x[i] - min)));
    F4 diff = scale * to_float4(L[i]) + min - x[i];
    diff = diff * diff;
    best_error += w[i] * diff;
  }

  I4 aux[kSub];
  for (int is = 0; is <= kSteps; ++is) {
    iscale = (kRmin + kRdelta * float(is) + float(kNmax)) / (max - min);
    F4 sum_l = zero, sum_l2 = zero, sum_xl = zero;
    for (int i = 0; i < kSub; ++i) {
      aux[i] = clamp_quant4(nearest_int4(iscale * (x[i] - min)));
      const F4 fl = to_float4(aux[i]);
      sum_l += w[i] * fl;
      sum_l2 += w[i] * fl * fl;
      sum_xl += w[i] * fl * x[i];
    }
    const F4 D = sum_w * sum_l2 - sum_l * sum_l;
    F4 this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
    F4 this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
    const I4 min_positive = this_min > zero;
    this_min = min_positive ? zero : this_min;
    this_scale = min_positive ? sum_xl / sum_l2 : this_scale;
    F4 cur_error = zero;
    for (int i = 0; i < kSub; ++i) {
      F4 diff = this_scale * to_float4(aux[i]) + this_min - x[i];
      diff = diff * diff;
      cur_error += w[i] * diff;
    }
    const I4 accept = (D > zero) & ~flat & (cur_error < best_error);
    if (!any_lane(accept)) continue;
    best_error = accept ? cur_error : best_error;
    scale = accept ? this_scale : scale;
    min = accept ? this_min : min;
    for (int i = 0; i < kSub; ++i) L[i] = accept ? aux[i] : L[i];
  }

  for (int j = 0; j < 4; ++j) {
    scale_out[j] = flat[j] ? 0.0f : scale[j];
    neg_min_out[j] = -min[j];
    for (int i = 0; i < kSub; ++i) Lt[4 * i + j] = flat[j] ? uint8_t(0) : uint8_t(L[i][j]);
  }
}

namespace {

void pack_scale_min(uint8_t* scales, int j, uint8_t sc, uint8_t m) {
  if (j < 4) {
    scales[j] = sc;
    scales[j + 4] = m;
  } else {
    scales[j + 4] = uint8_t((sc & 0x0f) | ((m & 0x0f) << 4));
    scales[j - 4] |= uint8_t((sc >> 4) << 6);
    scales[j] |= uint8_t((m >> 4) << 6);
  }
}

void unpack_scale_min(const uint8_t* scales, int j, uint8_t* sc, uint8_t* m) {
  if (j < 4) {
    *sc = scales[j] & 63;
    *m = scales[j + 4] & 63;
  } else {
    *sc = uint8_t((scales[j + 4] & 0x0f) | ((scales[j - 4] >> 6) << 4));
    *m = uint8_t((scales[j + 4] >> 4) | ((scales[j] >> 6) << 4));
  }
}

void quantize_block(const float* x, uint8_t* y) {
  // Weights per sub-block, then the fit of four sub-blocks at a time on transposed data.
  uint8_t L[kBlock];
  float scales[kLanes];
  float mins[kLanes];
  for (int g = 0; g < kLanes; g += 4) {
    float xt[4 * kSub], wt[4 * kSub];
    for (int j = 0; j < 4; ++j) {
      const float* xs = x + kSub * (g + j);
      float sum_x2 = 0;
      for (int l = 0; l < kSub; ++l) sum_x2 += xs[l] * xs[l];
      const float av_x = std::sqrt(sum_x2 / kSub);
      for (int l = 0; l < kSub; ++l) {
        xt[4 * l + j] = xs[l];
        wt[4 * l + j] = av_x + std::fabs(xs[l]);
      }
    }
    uint8_t Lt[4 * kSub];
    q4_k_fit_scale_min_4(xt, wt, Lt, scales + g, mins + g);
    for (int j = 0; j < 4; ++j)
      for (int l = 0; l < kSub; ++l) L[kSub * (g + j) + l] = Lt[4 * l + j];
  }
  float max_scale = 0;
  float max_min = 0;
  for (int j = 0; j < kLanes; ++j) {
    if (scales[j] > max_scale) max_scale = scales[j];
    if (mins[j] > max_min) max_min = mins[j];
  }

  const float inv_scale = max_scale > 0 ? 63.0f / max_scale : 0.0f;
  const float inv_min = max_min > 0 ? 63.0f / max_min : 0.0f;
  uint8_t* packed = y + 4;
  std::fill(packed, packed + 12, uint8_t(0));
  for (int j = 0; j < 8; ++j) {
    // The reference narrows to uint8 before taking the min with 63.
    const uint8_t ls = std::min<uint8_t>(63, uint8_t(nearest_int(inv_scale * scales[j])));
    const uint8_t lm = std::min<uint8_t>(63, uint8_t(nearest_int(inv_min * mins[j])));
    pack_scale_min(packed, j, ls, lm);
  }
  store_f16(y, max_scale / 63.0f);
  store_f16(y + 2, max_min / 63.0f);

  const float d_all = load_f16(y);
  const float dmin_all = load_f16(y + 2);
  for (int j = 0; j < 8; ++j) {
    uint8_t sc = 0;
    uint8_t m = 0;
    unpack_scale_min(packed, j, &sc, &m);
    const float d = d_all * float(sc);
    if (d == 0.0f) continue;
    const float dm = dmin_all * float(m);
    for (int i = 0; i < kSub; ++i) {
      const int l = nearest_int((x[kSub * j + i] + dm) / d);
      L[kSub * j + i] = uint8_t(std::clamp(l, 0, kNmax));
    }
  }

  uint8_t* qs = y + 16;
  for (int c = 0; c < 4; ++c)
    for (int l = 0; l < 32; ++l)
      qs[32 * c + l] = uint8_t(L[64 * c + l] | (L[64 * c + 32 + l] << 4));
}

}  // namespace

void quantize_row_Q4_K(const float* x, uint8_t* y, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b) quantize_block(x + b * kBlock, y + b * kBytes);
}

void dequantize_row_Q4_K(const uint8_t* y, float* x, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, y += kBytes) {
    const float d = load_f16(y);
    const float dmin = load_f16(y + 2);
    const uint8_t* scales = y + 4;
    const uint8_t* qs = y + 16;
    for (int c = 0; c < 4; ++c) {
      uint8_t sc = 0;
      uint8_t m = 0;
      unpack_scale_min(scales, 2 * c, &sc, &m);
      const float d1 = d * float(sc);
      const float m1 = dmin * float(m);
      unpack_scale_min(scales, 2 * c + 1, &sc, &m);
      const float d2 = d * float(sc);
      const float m2 = dmin * float(m);
      for (int l = 0; l < 32; ++l) {
        x[64 * c + l] = d1 * float(qs[32 * c + l] & 0x0f) - m1;
        x[64 * c + 32 + l] = d2 * float(qs[32 * c + l] >> 4) - m2;
      }
    }
  }
}

}  // namespace trit::quant

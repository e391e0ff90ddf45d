#include "trit/runtime/activation_quant.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "trit/core/error.h"

#if defined(__x86_64__)
// GCC 12's AVX-512 intrinsics pass self-initialised _mm*_undefined_* values as merge
// sources, which -Wuninitialized flags once inlined; the values are never read.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#define TRIT_HAVE_X86_KERNELS 1
#endif

namespace trit::runtime {
namespace {

float scale_from_absmax(float amax) { return 127.0f / std::max(amax, 1e-5f); }

[[noreturn]] void fail_non_finite(size_t t) {
  fail("quantize_activations: token ", t, " has an inf or NaN activation");
}

void quantize_row_scalar(const float* x, size_t cols, size_t t, int8_t* q, float* scale,
                         int32_t* sum) {
  float amax = 0.0f;
  for (size_t j = 0; j < cols; ++j) {
    const float a = std::fabs(x[j]);
    if (!(a <= 3.4028235e38f)) fail_non_finite(t);
    amax = std::max(amax, a);
  }
  const float sx = scale_from_absmax(amax);
  int32_t s = 0;
  for (size_t j = 0; j < cols; ++j) {
    const float r = std::clamp(std::nearbyint(x[j] * sx), -128.0f, 127.0f);
    q[j] = int8_t(r);
    s += int32_t(r);
  }
  *scale = sx;
  *sum = s;
}

#ifdef TRIT_HAVE_X86_KERNELS
__attribute__((target("avx512f,avx512bw,avx512vl")))
void quantize_row_avx512(const float* x, size_t cols, size_t t, int8_t* q, float* scale,
                         int32_t* sum) {
  const __m512 big = _mm512_set1_ps(3.4028235e38f);
  __m512 vmax = _mm512_setzero_ps();
  __mmask16 bad = 0;
  for (size_t j = 0; j < cols; j += 16) {
    const __mmask16 m = cols - j >= 16 ? __mmask16(0xffff) : __mmask16((1u << (cols - j)) - 1);
    const __m512 a = _mm512_abs_ps(_mm512_maskz_loadu_ps(m, x + j));
    bad |= _mm512_cmp_ps_mask(a, big, _CMP_NLE_UQ);  // inf or NaN
    vmax = _mm512_max_ps(vmax, a);
  }
  if (bad) fail_non_finite(t);
  const float sx = scale_from_absmax(_mm512_reduce_max_ps(vmax));
  const __m512 vsx = _mm512_set1_ps(sx);
  const __m512i lo = _mm512_set1_epi32(-128), hi = _mm512_set1_epi32(127);
  __m512i vsum = _mm512_setzero_si512();
  for (size_t j = 0; j < cols; j += 16) {
    const __mmask16 m = cols - j >= 16 ? __mmask16(0xffff) : __mmask16((1u << (cols - j)) - 1);
    const __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + j), vsx);
    __m512i i = _mm512_cvtps_epi32(
        _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    i = _mm512_min_epi32(_mm512_max_epi32(i, lo), hi);
    vsum = _mm512_add_epi32(vsum, i);  // masked-off lanes are 0
    _mm_mask_storeu_epi8(q + j, m, _mm512_cvtepi32_epi8(i));
  }
  *scale = sx;
  *sum = _mm512_reduce_add_epi32(vsum);
}

__attribute__((target("avx2")))
void quantize_row_avx2(const float* x, size_t cols, size_t t, int8_t* q, float* scale,
                       int32_t* sum) {
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  const __m256 big = _mm256_set1_ps(3.4028235e38f);
  __m256 vmax = _mm256_setzero_ps();
  __m256 bad = _mm256_setzero_ps();
  size_t j = 0;
  for (; j + 8 <= cols; j += 8) {
    const __m256 a = _mm256_and_ps(_mm256_loadu_ps(x + j), abs_mask);
    bad = _mm256_or_ps(bad, _mm256_cmp_ps(a, big, _CMP_NLE_UQ));
    vmax = _mm256_max_ps(vmax, a);
  }
  if (_mm256_movemask_ps(bad)) fail_non_finite(t);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, vmax);
  float amax = 0.0f;
  for (float l : lanes) amax = std::max(amax, l);
  for (size_t k = j; k < cols; ++k) {
    const float a = std::fabs(x[k]);
    if (!(a <= 3.4028235e38f)) fail_non_finite(t);
    amax = std::max(amax, a);
  }
  const float sx = scale_from_absmax(amax);
  const __m256 vsx = _mm256_set1_ps(sx);
  const __m256i lo = _mm256_set1_epi32(-128), hi = _mm256_set1_epi32(127);
  __m256i vsum = _mm256_setzero_si256();
  alignas(32) int32_t ints[8];
  for (j = 0; j + 8 <= cols; j += 8) {
    const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + j), vsx);
    __m256i i = _mm256_cvtps_epi32(_mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    i = _mm256_min_epi32(_mm256_max_epi32(i, lo), hi);
    vsum = _mm256_add_epi32(vsum, i);
    _mm256_store_si256(reinterpret_cast<__m256i*>(ints), i);
    for (int k = 0; k < 8; ++k) q[j + k] = int8_t(ints[k]);
  }
  _mm256_store_si256(reinterpret_cast<__m256i*>(ints), vsum);
  int32_t s = 0;
  for (int32_t v : ints) s += v;
  for (; j < cols; ++j) {
    const float r = std::clamp(std::nearbyint(x[j] * sx), -128.0f, 127.0f);
    q[j] = int8_t(r);
    s += int32_t(r);
  }
  *scale = sx;
  *sum = s;
}
#endif

}  // namespace

void quantize_activations(const float* x, size_t n_tokens, size_t cols, size_t x_stride,
                          int8_t* xq, size_t xq_stride, float* scale, int32_t* sum,
                          CpuLevel level) {
  TRIT_CHECK(n_tokens <= 1 || x_stride >= cols, "quantize_activations: input stride ", x_stride,
             " < cols ", cols);
  TRIT_CHECK(xq_stride >= cols, "quantize_activations: output stride ", xq_stride, " < cols ", cols);
  TRIT_CHECK(cpu_level_supported(level), "quantize_activations: CPU level ",
             cpu_level_name(level), " is not supported here");
  for (size_t t = 0; t < n_tokens; ++t) {
    const float* xt = x + t * x_stride;
    int8_t* qt = xq + t * xq_stride;
#ifdef TRIT_HAVE_X86_KERNELS
    if (level == CpuLevel::avx512) {
      quantize_row_avx512(xt, cols, t, qt, scale + t, sum + t);
    } else if (level == CpuLevel::avx2) {
      quantize_row_avx2(xt, cols, t, qt, scale + t, sum + t);
    } else {
      quantize_row_scalar(xt, cols, t, qt, scale + t, sum + t);
    }
#else
    quantize_row_scalar(xt, cols, t, qt, scale + t, sum + t);
#endif
    std::memset(qt + cols, 0, xq_stride - cols);
  }
}

QuantizedActivations::QuantizedActivations(size_t n_tokens, size_t cols)
    : n_tokens_(n_tokens),
      cols_(cols),
      stride_((cols + 255) / 256 * 256),
      q_(n_tokens * ((cols + 255) / 256 * 256)),
      scale_(n_tokens),
      sum_(n_tokens) {}

void QuantizedActivations::quantize(const float* x, size_t n_tokens, size_t cols,
                                    size_t x_stride, CpuLevel level) {
  if (n_tokens != n_tokens_ || cols != cols_) *this = QuantizedActivations(n_tokens, cols);
  quantize_activations(x, n_tokens, cols, x_stride, q_.data(), stride_, scale_.data(),
                       sum_.data(), level);
}

}  // namespace trit::runtime


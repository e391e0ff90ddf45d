// AVX2 ternary kernels (layout in ternary_pack.h), for CPUs without AVX-512 VNNI.
// Same scheme as the AVX-512 kernel on 32-byte halves of each 64-byte code group: codes
// (u8) times activations (s8) by vpmaddubsw into int16 pairs (|pair| <= 2*2*128, no
// saturation), vpmaddwd with ones into int32 lanes; Σ lanes − Σ x = Σ w·x.
#include "trit/runtime/ternary_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <algorithm>

#define TRIT_AVX2 __attribute__((target("avx2")))

namespace trit::runtime::detail {
namespace {

TRIT_AVX2 inline int32_t reduce_add(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

// Rows r0..r0+R-1, tokens t0..t0+T-1, all columns.
template <int R, int T>
TRIT_AVX2 void tile(const TernaryWeightsView& w, const Int8ActivationsView& x, size_t r0,
                    size_t t0, const MatmulOutput& out) {
  const __m256i mask = _mm256_set1_epi8(3);
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i acc[R][T];
  for (int r = 0; r < R; ++r)
    for (int t = 0; t < T; ++t) acc[r][t] = _mm256_setzero_si256();
  const uint8_t* wp[R];
  for (int r = 0; r < R; ++r) wp[r] = w.codes + ternary_group_offset(w.row_bytes, r0 + r, 0);
  const int8_t* xp[T];
  for (int t = 0; t < T; ++t) xp[t] = x.q + (t0 + t) * x.stride;

  const size_t n_groups = w.row_bytes / 64;
  // 64-column slots of the last group holding real columns (1..4); all-padding slots (code 0)
  // add nothing and are skipped, so a narrow matrix (64 columns) does a quarter of the work.
  const int last_slots = n_groups == 0 ? 0 : int((w.cols - 256 * (n_groups - 1) + 63) / 64);
  for (size_t g = 0; g < n_groups; ++g) {
    const int slots = g + 1 < n_groups ? 4 : last_slots;
    for (int h = 0; h < 2; ++h) {
      __m256i raw[R];
      for (int r = 0; r < R; ++r)
        raw[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wp[r] + kTernaryGroupStride * g + 32 * h));
      for (int n = 0; n < slots; ++n) {
        const size_t col = 256 * g + 64 * n + 32 * h;
        __m256i xv[T];
        for (int t = 0; t < T; ++t)
          xv[t] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xp[t] + col));
        for (int r = 0; r < R; ++r) {
          const __m256i c = _mm256_and_si256(_mm256_srl_epi16(raw[r], _mm_cvtsi32_si128(2 * n)), mask);
          for (int t = 0; t < T; ++t) {
            const __m256i pairs = _mm256_maddubs_epi16(c, xv[t]);
            acc[r][t] = _mm256_add_epi32(acc[r][t], _mm256_madd_epi16(pairs, ones));
          }
        }
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int t = 0; t < T; ++t) {
      store_output(out, w, x, t0 + t, r0 + r, reduce_add(acc[r][t]) - x.sum[t0 + t]);
    }
  }
}

template <int R>
TRIT_AVX2 void tile_tokens(const TernaryWeightsView& w, const Int8ActivationsView& x, size_t r0,
                           size_t t0, size_t n_t, const MatmulOutput& out) {
  switch (n_t) {
    case 1: tile<R, 1>(w, x, r0, t0, out); break;
    case 2: tile<R, 2>(w, x, r0, t0, out); break;
    default: tile<R, 3>(w, x, r0, t0, out); break;
  }
}

}  // namespace

TRIT_AVX2 void ternary_rows_avx2(const TernaryWeightsView& w, const Int8ActivationsView& x,
                                 size_t row_begin, size_t row_end, const MatmulOutput& out) {
  if (x.n_tokens == 1) {
    size_t r = row_begin;
    for (; r + 4 <= row_end; r += 4) tile<4, 1>(w, x, r, 0, out);
    for (; r < row_end; ++r) tile<1, 1>(w, x, r, 0, out);
    return;
  }
  const size_t row_tile = gemm_row_tile(w.row_bytes);
  for (size_t rt = row_begin; rt < row_end; rt += row_tile) {
    const size_t rt_end = std::min(row_end, rt + row_tile);
    for (size_t t0 = 0; t0 < x.n_tokens; t0 += 3) {
      const size_t n_t = std::min<size_t>(3, x.n_tokens - t0);
      size_t r = rt;
      for (; r + 2 <= rt_end; r += 2) tile_tokens<2>(w, x, r, t0, n_t, out);
      for (; r < rt_end; ++r) tile_tokens<1>(w, x, r, t0, n_t, out);
    }
  }
}

}  // namespace trit::runtime::detail

#else  // not x86-64: never selected (cpu_level_supported is false), kept for linking

namespace trit::runtime::detail {
void ternary_rows_avx2(const TernaryWeightsView& w, const Int8ActivationsView& x,
                       size_t row_begin, size_t row_end, const MatmulOutput& out) {
  ternary_rows_scalar(w, x, row_begin, row_end, out);
}
}  // namespace trit::runtime::detail

#endif

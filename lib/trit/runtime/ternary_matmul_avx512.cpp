// AVX-512 VNNI ternary kernels (layout in ternary_pack.h).
// Per 256-column group and output row: one 64-byte code load; for n = 0..3 the codes of
// columns 64n..64n+63 are (load >> 2n) & 3 as u8, multiplied with 64 int8 activations by
// vpdpbusd into int32 lanes; at the end Σ lanes − Σ x = Σ w·x (code = w + 1).
// Tiles: R rows x T tokens of accumulators; the codes are unpacked once per row and reused
// by the T tokens; the activations are loaded once per token and reused by the R rows.
#include "trit/runtime/ternary_kernels.h"

#if defined(__x86_64__)
// GCC 12's AVX-512 intrinsics pass self-initialised _mm*_undefined_* values as merge
// sources, which -Wuninitialized flags once inlined; the values are never read.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>

#define TRIT_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

namespace trit::runtime::detail {
namespace {

template <int N>
TRIT_AVX512 inline __m512i codes(__m512i raw, __m512i mask) {
  if constexpr (N == 0) return _mm512_and_si512(raw, mask);
  else return _mm512_and_si512(_mm512_srli_epi16(raw, 2 * N), mask);
}

template <int R, int T, int N>
TRIT_AVX512 inline void group_step(const __m512i (&raw)[R], const int8_t* const (&xp)[T],
                                   size_t col, __m512i mask, __m512i (&acc)[R][T]) {
  __m512i xv[T];
  for (int t = 0; t < T; ++t) xv[t] = _mm512_loadu_si512(xp[t] + col + 64 * N);
  for (int r = 0; r < R; ++r) {
    const __m512i c = codes<N>(raw[r], mask);
    for (int t = 0; t < T; ++t) acc[r][t] = _mm512_dpbusd_epi32(acc[r][t], c, xv[t]);
  }
}

// Rows r0..r0+R-1, tokens t0..t0+T-1, all columns.
template <int R, int T>
TRIT_AVX512 void tile(const TernaryWeightsView& w, const Int8ActivationsView& x, size_t r0,
                      size_t t0, const MatmulOutput& out) {
  const __m512i mask = _mm512_set1_epi8(3);
  // Unrolled so the zeroing stays in registers: as a loop GCC turns it into a `rep stos` of
  // the array on the stack, which cost a sixth of a GEMV over a 64-column matrix.
  __m512i acc[R][T];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int t = 0; t < T; ++t) acc[r][t] = _mm512_setzero_si512();
  const uint8_t* wp[R];
  for (int r = 0; r < R; ++r) wp[r] = w.codes + ternary_group_offset(w.row_bytes, r0 + r, 0);
  const int8_t* xp[T];
  for (int t = 0; t < T; ++t) xp[t] = x.q + (t0 + t) * x.stride;

  const size_t n_groups = w.row_bytes / 64;
  const size_t last_slots = n_groups == 0 ? 0 : (w.cols - 256 * (n_groups - 1) + 63) / 64;  // 1..4
  for (size_t g = 0; g < n_groups; ++g) {
    __m512i raw[R];
    for (int r = 0; r < R; ++r) raw[r] = _mm512_loadu_si512(wp[r] + kTernaryGroupStride * g);
    if constexpr (T == 1) {
      // GEMV streams each code once: fetch 16 groups (8 KiB of the stream) ahead, about the
      // bandwidth x latency product (measured best of 0, 2, 4, 8, 16 KiB on the EPYC box).
      for (int r = 0; r < R; ++r)
        _mm_prefetch(reinterpret_cast<const char*>(wp[r] + kTernaryGroupStride * (g + 16)), _MM_HINT_T0);
    }
    const size_t col = 256 * g;
    // Slots whose 64 columns are all padding (code 0) add nothing and are skipped: a narrow
    // matrix (a TriX tile's down projection, 64 columns) does a quarter of the work.
    const size_t slots = g + 1 < n_groups ? 4 : last_slots;
    group_step<R, T, 0>(raw, xp, col, mask, acc);
    if (slots > 1) group_step<R, T, 1>(raw, xp, col, mask, acc);
    if (slots > 2) group_step<R, T, 2>(raw, xp, col, mask, acc);
    if (slots > 3) group_step<R, T, 3>(raw, xp, col, mask, acc);
  }
  for (int r = 0; r < R; ++r) {
    for (int t = 0; t < T; ++t) {
      const int32_t dot = _mm512_reduce_add_epi32(acc[r][t]) - x.sum[t0 + t];
      store_output(out, w, x, t0 + t, r0 + r, dot);
    }
  }
}

template <int R>
TRIT_AVX512 void tile_tokens(const TernaryWeightsView& w, const Int8ActivationsView& x,
                             size_t r0, size_t t0, size_t n_t, const MatmulOutput& out) {
  switch (n_t) {
    case 1: tile<R, 1>(w, x, r0, t0, out); break;
    case 2: tile<R, 2>(w, x, r0, t0, out); break;
    case 3: tile<R, 3>(w, x, r0, t0, out); break;
    default: tile<R, 4>(w, x, r0, t0, out); break;
  }
}

}  // namespace

TRIT_AVX512 void ternary_rows_avx512(const TernaryWeightsView& w, const Int8ActivationsView& x,
                                     size_t row_begin, size_t row_end, const MatmulOutput& out) {
  if (x.n_tokens == 1) {
    // GEMV: 8 rows at a time, each streaming its codes once.
    size_t r = row_begin;
    for (; r + 8 <= row_end; r += 8) tile<8, 1>(w, x, r, 0, out);
    for (; r < row_end; ++r) tile<1, 1>(w, x, r, 0, out);
    return;
  }
  // GEMM: an L2-sized tile of rows is swept by every block of 4 tokens.
  const size_t row_tile = gemm_row_tile(w.row_bytes);
  for (size_t rt = row_begin; rt < row_end; rt += row_tile) {
    const size_t rt_end = std::min(row_end, rt + row_tile);
    for (size_t t0 = 0; t0 < x.n_tokens; t0 += 4) {
      const size_t n_t = std::min<size_t>(4, x.n_tokens - t0);
      size_t r = rt;
      for (; r + 4 <= rt_end; r += 4) tile_tokens<4>(w, x, r, t0, n_t, out);
      for (; r < rt_end; ++r) tile_tokens<1>(w, x, r, t0, n_t, out);
    }
  }
}

}  // namespace trit::runtime::detail

#else  // not x86-64: never selected (cpu_level_supported is false), kept for linking

namespace trit::runtime::detail {
void ternary_rows_avx512(const TernaryWeightsView& w, const Int8ActivationsView& x,
                         size_t row_begin, size_t row_end, const MatmulOutput& out) {
  ternary_rows_scalar(w, x, row_begin, row_end, out);
}
}  // namespace trit::runtime::detail

#endif

#pragma once
// Internal: the per-CPU-level row kernels behind ternary_matmul (ternary_matmul.h).
// Each computes output rows [row_begin, row_end) for every token and stores through
// store_output, so the final float operations are the same at every level.
#include <cstddef>
#include <cstdint>

#include "trit/runtime/activation_quant.h"
#include "trit/runtime/ternary_pack.h"

namespace trit::runtime::detail {

struct MatmulOutput {
  float* y = nullptr;       // float results, or
  int32_t* dots = nullptr;  // integer dots when y is null
  size_t stride = 0;
};

inline void store_output(const MatmulOutput& out, const TernaryWeightsView& w,
                         const Int8ActivationsView& x, size_t t, size_t r, int32_t dot) {
  if (out.y != nullptr) {
    out.y[t * out.stride + r] = float(dot) / (x.scale[t] * w.sw);
  } else {
    out.dots[t * out.stride + r] = dot;
  }
}

void ternary_rows_scalar(const TernaryWeightsView& w, const Int8ActivationsView& x,
                         size_t row_begin, size_t row_end, const MatmulOutput& out);
void ternary_rows_avx2(const TernaryWeightsView& w, const Int8ActivationsView& x,
                       size_t row_begin, size_t row_end, const MatmulOutput& out);
void ternary_rows_avx512(const TernaryWeightsView& w, const Int8ActivationsView& x,
                         size_t row_begin, size_t row_end, const MatmulOutput& out);

// Rows per L2 tile for the GEMM path: weights of a tile (tile * row_bytes) stay near 512 KiB
// while every token block passes over them.
inline size_t gemm_row_tile(size_t row_bytes) {
  const size_t tile = (size_t(512) << 10) / row_bytes / 8 * 8;
  return tile < 8 ? 8 : tile;
}

}  // namespace trit::runtime::detail

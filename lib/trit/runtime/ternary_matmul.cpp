#include "trit/runtime/ternary_matmul.h"

#include "trit/core/error.h"
#include "trit/runtime/ternary_kernels.h"

namespace trit::runtime {
namespace detail {

// The reference: decode each weight and sum w * x directly (no offset trick).
void ternary_rows_scalar(const TernaryWeightsView& w, const Int8ActivationsView& x,
                         size_t row_begin, size_t row_end, const MatmulOutput& out) {
  for (size_t r = row_begin; r < row_end; ++r) {
    for (size_t t = 0; t < x.n_tokens; ++t) {
      const int8_t* xt = x.q + t * x.stride;
      int32_t dot = 0;
      for (size_t k = 0; k < w.cols; ++k) dot += int32_t(ternary_weight(w, r, k)) * xt[k];
      store_output(out, w, x, t, r, dot);
    }
  }
}

}  // namespace detail

namespace {

void run(const TernaryWeightsView& w, const Int8ActivationsView& x,
         const detail::MatmulOutput& out, ThreadPool* pool, CpuLevel level) {
  TRIT_CHECK(x.cols == w.cols, "ternary_matmul: activations have ", x.cols,
             " columns, weights ", w.cols);
  // |dot| <= 128 * cols must fit int32 (and the AVX2 int16 pair sums never saturate).
  TRIT_CHECK(w.cols < (size_t(1) << 24), "ternary_matmul: ", w.cols,
             " columns is more than the 2^24 the int32 dot products allow");
  TRIT_CHECK(w.row_bytes * 4 >= w.cols && w.row_bytes % 64 == 0, "ternary_matmul: row_bytes ",
             w.row_bytes, " does not hold ", w.cols, " columns in 64-byte groups");
  TRIT_CHECK(x.n_tokens <= 1 || x.stride >= x.cols, "ternary_matmul: activation stride ",
             x.stride, " < cols ", x.cols);
  TRIT_CHECK(out.stride >= w.rows || x.n_tokens <= 1, "ternary_matmul: output stride ",
             out.stride, " < rows ", w.rows);
  TRIT_CHECK(cpu_level_supported(level), "ternary_matmul: CPU level ", cpu_level_name(level),
             " is not supported here");
  if (level != CpuLevel::scalar) {
    TRIT_CHECK(x.stride >= w.row_bytes * 4, "ternary_matmul: activation rows need stride >= ",
               w.row_bytes * 4, " (zero padded to whole 256-column groups), got ", x.stride);
  }
  if (w.rows == 0 || x.n_tokens == 0) return;

  auto rows_fn = detail::ternary_rows_scalar;
  if (level == CpuLevel::avx512) rows_fn = detail::ternary_rows_avx512;
  if (level == CpuLevel::avx2) rows_fn = detail::ternary_rows_avx2;

  constexpr size_t kRowBlock = 8;
  const size_t n_blocks = (w.rows + kRowBlock - 1) / kRowBlock;
  auto chunk = [&](size_t b, size_t e, size_t) {
    rows_fn(w, x, b * kRowBlock, std::min(w.rows, e * kRowBlock), out);
  };
  if (pool != nullptr) {
    pool->parallel_for(0, n_blocks, chunk);
  } else {
    chunk(0, n_blocks, 0);
  }
}

}  // namespace

void ternary_matmul(const TernaryWeightsView& w, const Int8ActivationsView& x, float* y,
                    size_t y_stride, ThreadPool* pool, CpuLevel level) {
  run(w, x, {y, nullptr, y_stride}, pool, level);
}

void ternary_matmul_i32(const TernaryWeightsView& w, const Int8ActivationsView& x,
                        int32_t* dots, size_t dots_stride, ThreadPool* pool, CpuLevel level) {
  run(w, x, {nullptr, dots, dots_stride}, pool, level);
}

}  // namespace trit::runtime

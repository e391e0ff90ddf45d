#pragma once
// How a row-major (batched, strided) matmul becomes cuBLASLt calls. Host logic only, compiled in
// every build so the CPU tests can execute a plan with an emulated column-major GEMM and compare
// it with the CPU matmul; the CUDA backend (backend/cuda/gemm_lt.h) issues the same plan.
//
// cuBLASLt is column-major. A row-major C [M, N] (leading dim ldc) is the column-major Cᵀ [N, M]
// with the same ldc, and C = op(A) op(B) is Cᵀ = op(B)ᵀ op(A)ᵀ: cuBLASLt's A is our B, its B is
// our A, m = N, n = M, and each operand's transpose flag carries over unchanged (a row-major
// matrix read as column-major is already its transpose).
#include <cstdint>
#include <vector>

#include "trit/core/shape.h"

namespace trit::lt {

// C (M x N, ldc) = op(A) (M x K) · op(B) (K x N), all row-major. trans_a: A is stored as K x M
// (A(i, k) at k * lda + i); otherwise A(i, k) at i * lda + k. Same for B.
struct RowMajorGemm {
  int64_t M = 0, N = 0, K = 0;
  bool trans_a = false, trans_b = false;
  int64_t lda = 0, ldb = 0, ldc = 0;
};

// One column-major matrix as cuBLASLt's layout descriptor takes it (rows, cols, ld).
struct LtLayout {
  int64_t rows = 0, cols = 0, ld = 0;
};

// D (m x n) = op(A) (m x k) · op(B) (k x n), column-major; trans_a means CUBLAS_OP_T.
struct LtProblem {
  bool trans_a = false, trans_b = false;
  int64_t m = 0, n = 0, k = 0;
  LtLayout a, b, d;
};

LtProblem to_column_major(const RowMajorGemm& g);

// How a GEMM reads a rows x cols matrix with the given element strides, without a copy: row-major
// (trans = false, ld = row stride) when columns are contiguous, column-major (trans = true,
// ld = column stride) when rows are; false when neither (the caller makes it contiguous).
bool matrix_layout(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride, bool& trans, int64_t& ld);

// One strided-batched call: `count` GEMMs, the i-th at element offsets
// offset_x + i * stride_x of each operand.
struct BatchCall {
  int64_t offset_a = 0, offset_b = 0, offset_c = 0;
  int64_t count = 1;
  int64_t stride_a = 0, stride_b = 0, stride_c = 0;
};

struct MatmulPlan {
  RowMajorGemm gemm;  // M may be the original M times a folded batch dim
  std::vector<BatchCall> calls;
};

// out [batch..., M, N] (contiguous, ldc = N) = a [batch..., M, K] @ b [batch..., K, N], where
// the last two dims of a and b are read as `gemm` says and their batch dims have the given
// element strides (0 where broadcast). The plan
//   - merges batch dims whose strides chain (one strided batch over them),
//   - folds the innermost batch dim into M when b is shared across it (stride 0) and a's rows
//     continue across it (a not transposed, stride M * lda): one GEMM with M * batch rows,
//   - uses cuBLASLt's strided batch for the innermost remaining dim when neither operand is
//     broadcast along it, and loops (one call per index) over everything else.
// M, N or K of 0 give no calls (the caller zero-fills an output with K = 0).
MatmulPlan plan_matmul(const Shape& batch, const Strides& a_batch_strides, const Strides& b_batch_strides,
                       const RowMajorGemm& gemm);

}  // namespace trit::lt

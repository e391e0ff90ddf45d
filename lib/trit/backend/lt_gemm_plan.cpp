#include "trit/backend/lt_gemm_plan.h"

#include <algorithm>

#include "trit/core/error.h"

namespace trit::lt {

LtProblem to_column_major(const RowMajorGemm& g) {
  LtProblem p;
  p.m = g.N;
  p.n = g.M;
  p.k = g.K;
  // cuBLASLt's A = our B: op(A) must be N x K column-major. Untransposed B (K x N row-major)
  // read column-major is N x K already; a transposed B (stored N x K row-major) reads as K x N.
  p.trans_a = g.trans_b;
  p.a = g.trans_b ? LtLayout{g.K, g.N, g.ldb} : LtLayout{g.N, g.K, g.ldb};
  // cuBLASLt's B = our A: op(B) must be K x M.
  p.trans_b = g.trans_a;
  p.b = g.trans_a ? LtLayout{g.M, g.K, g.lda} : LtLayout{g.K, g.M, g.lda};
  p.d = LtLayout{g.N, g.M, g.ldc};
  return p;
}

bool matrix_layout(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride, bool& trans, int64_t& ld) {
  if ((col_stride == 1 || cols == 1) && row_stride >= std::max<int64_t>(cols, 1)) {
    trans = false;
    ld = std::max<int64_t>(row_stride, 1);
    return true;
  }
  if ((row_stride == 1 || rows == 1) && col_stride >= std::max<int64_t>(rows, 1)) {
    trans = true;
    ld = std::max<int64_t>(col_stride, 1);
    return true;
  }
  return false;
}

namespace {

struct BatchDim {
  int64_t size, sa, sb, sc;
};

}  // namespace

MatmulPlan plan_matmul(const Shape& batch, const Strides& a_batch_strides, const Strides& b_batch_strides,
                       const RowMajorGemm& gemm) {
  TRIT_CHECK(a_batch_strides.size() == batch.size() && b_batch_strides.size() == batch.size(),
             "plan_matmul: batch ", shape_str(batch), " has ", batch.size(), " dims, strides have ",
             a_batch_strides.size(), " and ", b_batch_strides.size());
  MatmulPlan plan{gemm, {}};
  if (gemm.M == 0 || gemm.N == 0 || gemm.K == 0 || numel(batch) == 0) return plan;

  // Output strides of a contiguous [batch..., M, N] with leading dim ldc.
  std::vector<BatchDim> dims;  // outer to inner, size-1 dims dropped
  int64_t sc = gemm.M * gemm.ldc;
  std::vector<int64_t> c_strides(batch.size());
  for (size_t d = batch.size(); d-- > 0;) {
    c_strides[d] = sc;
    sc *= batch[d];
  }
  for (size_t d = 0; d < batch.size(); ++d) {
    if (batch[d] != 1) dims.push_back({batch[d], a_batch_strides[d], b_batch_strides[d], c_strides[d]});
  }
  // Merge an outer dim into the next inner one when every operand's strides chain.
  std::vector<BatchDim> merged;
  for (const BatchDim& d : dims) {
    if (!merged.empty()) {
      BatchDim& outer = merged.back();
      if (outer.sa == d.sa * d.size && outer.sb == d.sb * d.size && outer.sc == d.sc * d.size) {
        outer = {outer.size * d.size, d.sa, d.sb, d.sc};
        continue;
      }
    }
    merged.push_back(d);
  }

  BatchCall inner;  // what one call covers of the innermost dim
  size_t n_outer = merged.size();
  if (!merged.empty()) {
    const BatchDim& in = merged.back();
    if (in.sb == 0 && !gemm.trans_a && in.sa == gemm.M * gemm.lda && in.sc == gemm.M * gemm.ldc) {
      plan.gemm.M = gemm.M * in.size;  // rows of a and c continue across this dim
      --n_outer;
    } else if (in.sa != 0 && in.sb != 0) {
      inner.count = in.size;
      inner.stride_a = in.sa;
      inner.stride_b = in.sb;
      inner.stride_c = in.sc;
      --n_outer;
    }
  }
  // Loop over the remaining (outer) dims, innermost fastest.
  int64_t n_calls = 1;
  for (size_t d = 0; d < n_outer; ++d) n_calls *= merged[d].size;
  plan.calls.reserve(size_t(n_calls));
  for (int64_t i = 0; i < n_calls; ++i) {
    BatchCall call = inner;
    int64_t r = i;
    for (size_t d = n_outer; d-- > 0;) {
      const int64_t idx = r % merged[d].size;
      r /= merged[d].size;
      call.offset_a += idx * merged[d].sa;
      call.offset_b += idx * merged[d].sb;
      call.offset_c += idx * merged[d].sc;
    }
    plan.calls.push_back(call);
  }
  return plan;
}

}  // namespace trit::lt

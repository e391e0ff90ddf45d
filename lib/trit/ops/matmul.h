#pragma once
#include "trit/core/tensor.h"

namespace trit {

// a [..., M, K] @ b [..., K, N] -> [..., M, N]; batch dims broadcast. 2-D operands that are
// transposed views go to BLAS without a copy. f32 (sgemm) or f64 (dgemm); bf16 and f16 on the
// CPU through sgemm (rounded once). Under an AutocastGuard, float32 operands multiply in
// the guard's 16-bit type and the result is float32 (autograd/autocast.h).
Tensor matmul(const Tensor& a, const Tensor& b);

// x [..., in] @ weight[out, in]^T (+ bias [out]) -> [..., out]
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

}  // namespace trit

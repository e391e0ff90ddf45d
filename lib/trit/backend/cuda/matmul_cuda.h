#pragma once
// The CUDA side of ops/matmul.cpp: batched GEMMs over CUDA tensors through cuBLASLt
// (gemm_lt.h), planned by lt_gemm_plan.h. float32 (TF32 only after set_allow_tf32), bf16 and
// f16 (float32 accumulation).
#include "trit/backend/lt_gemm_plan.h"
#include "trit/core/tensor.h"

namespace trit::cuda {

// out [batch..., M, N] (contiguous, on a's device) = a @ b, where a [batch..., M, K] and
// b [batch..., K, N] are already expanded to the broadcast batch and `gemm` says how their last
// two dims are read (trans, ld; ldc is taken as N). out_dtype: a's dtype, or f32 for bf16/f16
// inputs (autocast's float32 results).
Tensor matmul_expanded(const Tensor& a, const Tensor& b, const lt::RowMajorGemm& gemm, DType out_dtype);

// x [rows, in] @ weight[out, in]ᵀ + bias [out] in one cuBLASLt call (bias epilogue). For
// inference: no autograd record.
Tensor linear_bias(const Tensor& x, const Tensor& weight, const Tensor& bias);

}  // namespace trit::cuda

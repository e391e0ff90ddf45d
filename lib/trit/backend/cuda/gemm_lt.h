#pragma once
// GEMM on device memory through cuBLASLt, on the device's trit stream (context.h).
//   float32:  A, B, C float; CUBLAS_COMPUTE_32F (TF32 tensor cores only after set_allow_tf32).
//   bf16/f16: A, B bf16 (or f16), C the same or float; float32 accumulation (CUBLAS_COMPUTE_32F).
//   int8:     A, B int8, C int32; CUBLAS_COMPUTE_32I (IMMA tensor cores), "TN" form only.
// Row-major problems (lt_gemm_plan.h) are mapped to cuBLASLt's column-major one. Descriptors,
// layouts and the heuristic's algorithms are cached per (device, types, shape, strides, batch,
// epilogue, pointer alignment) so a repeated shape costs one cublasLtMatmul call.
// Pointer alignment (the largest power of two dividing each address, at most 256 bytes) is given
// to the heuristic: cuBLASLt otherwise assumes 256-byte aligned operands, which views with an
// offset are not.
#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include <cstdint>

#include "trit/backend/lt_gemm_plan.h"

namespace trit::cuda {

// TF32 for float32 GEMMs: off by default, so float32 results match the CPU to 1e-5.
void set_allow_tf32(bool on);
bool allow_tf32();

enum class GemmTypes {
  f32,        // float x float -> float
  bf16,       // bf16 x bf16 -> bf16
  bf16_f32,   // bf16 x bf16 -> float
  f16,        // f16 x f16 -> f16 (float32 accumulation)
  f16_f32,    // f16 x f16 -> float
  i8_i32,     // int8 x int8 -> int32 (alpha 1, beta 0 only)
};

struct GemmCall {
  lt::RowMajorGemm gemm;  // C (M x N) = op(A) op(B), row-major, leading dims in elements
  GemmTypes types = GemmTypes::f32;
  const void* a = nullptr;
  const void* b = nullptr;
  void* c = nullptr;
  // Optional [N] vector of C's type added to every row of C (cuBLASLt's BIAS epilogue; not
  // with int8). Saves the separate broadcast-add pass of linear().
  const void* bias = nullptr;
  // Strided batch: `count` products, the i-th at a + i * stride_a (elements) and so on.
  int64_t count = 1, stride_a = 0, stride_b = 0, stride_c = 0;
  float alpha = 1.0f, beta = 0.0f;  // beta = 1 accumulates into C
  // Which of the heuristic's algorithms to run (0 = its first choice); benchmarks try others.
  int algo_index = 0;
};

// Issues the GEMM on device `device`'s stream (asynchronous). Throws trit::Error naming the
// shape and types when cuBLASLt has no algorithm for it or a call fails.
void gemm(const GemmCall& call, int device = 0);

// How many algorithms the heuristic offers for this call (at most 8); for benchmarks.
int gemm_algo_count(const GemmCall& call, int device = 0);

// y[t * ldy + r] = Σ_{j<K} x[t * ldx + j] · w[r * ldw + j] (int32, exact) for t < n_tokens,
// r < rows: int8 activations times int8 weights through IMMA. cuBLASLt's int8 kernels with
// column-major order need A transposed and B not ("TN"), which this mapping is by construction,
// and m, k and leading dimensions that are multiples of 4: rows, K, ldx, ldw and ldy must be
// (checked; pad the weight with zero rows).
void gemm_i8_i32(const int8_t* x, int64_t n_tokens, int64_t ldx, const int8_t* w, int64_t rows, int64_t ldw,
                 int64_t K, int32_t* y, int64_t ldy, int device = 0);
// The GemmCall gemm_i8_i32 issues (for benchmarks trying several algorithms).
GemmCall i8_i32_call(const int8_t* x, int64_t n_tokens, int64_t ldx, const int8_t* w, int64_t rows, int64_t ldw,
                     int64_t K, int32_t* y, int64_t ldy);

}  // namespace trit::cuda

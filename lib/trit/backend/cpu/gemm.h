#pragma once
// Row-major GEMM through OpenBLAS (chosen over Eigen by bench/gemm: see bench/RESULTS.md).
// C[M,N] = alpha * op(A)[M,K] op(B)[K,N] + beta * C, with leading dimensions in elements.
#include <cstdint>

namespace trit::cpu {

void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
          int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A,
          int64_t lda, const double* B, int64_t ldb, double beta, double* C, int64_t ldc);

}  // namespace trit::cpu

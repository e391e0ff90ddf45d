#pragma once
// CUDA kernels of ternary (BitNet b1.58) inference, on device pointers, issued on the device's
// trit stream (asynchronous). Together with gemm_i8_i32 (gemm_lt.h) they compute what the CPU
// runtime's ternary_matmul computes, bit for bit:
//   xq, sx, Σxq = quantize_activations(x)             per-token absmax int8 (activation_quant.h)
//   dot[t][r]   = Σ_j xq[t][j] · w[r][j]             exact int32
//   y[t][r]     = float(dot) / (sx[t] * sw)           IEEE single, round to nearest
// Two ways to the dots: ternary_gemv reads the 2-bit G2 codes (gpu_ternary_layout.h) with dp4a,
// memory bound, for generation (one or a few tokens); gemm_i8_i32 runs cuBLASLt's int8 tensor
// core GEMM on the int8 form for prompts and batches, then dequantize_i32 scales.
#include <cstdint>

namespace trit::cuda {

// Per token t < n_tokens: reads x[t * x_stride + j] (j < cols), writes xq[t * xq_stride + j]
// (zero for cols <= j < xq_stride), scale[t] = 127 / max(absmax, 1e-5) and sum[t] = Σ xq.
// A token holding inf or NaN marks *status (device int32) with its index (the largest such);
// the launch first sets *status to -1. Read it with check_quantize_status.
void quantize_activations(const float* x, int64_t n_tokens, int64_t cols, int64_t x_stride, int8_t* xq,
                          int64_t xq_stride, float* scale, int32_t* sum, int32_t* status, int device = 0);
// Waits for the stream and throws trit::Error naming the token when *status is not -1.
void check_quantize_status(const int32_t* status, int device = 0);

// y[t * y_stride + r] = float(acc[t * ld_acc + r]) / (scale[t] * sw) for t < n_tokens, r < rows.
void dequantize_i32(const int32_t* acc, int64_t ld_acc, int64_t n_tokens, int64_t rows, const float* scale, float sw,
                    float* y, int64_t y_stride, int device = 0);

// y[t * y_stride + r] = float(Σ_j w[r][j] · xq[t][j]) / (scale[t] * sw) over G2 codes
// (rows x cols, row_bytes = gpu::row_bytes(cols)); sum[t] = Σ xq[t][j] over j < cols as
// quantize_activations writes it. xq rows hold x_stride >= gpu::cols_padded(cols) bytes, with
// x_stride a multiple of 16; codes and xq 16-byte aligned. One warp per output row; up to four
// tokens per launch share each load of the codes (more tokens: one launch per four).
void ternary_gemv(const uint8_t* codes, int64_t rows, int64_t cols, float sw, const int8_t* xq, int64_t n_tokens,
                  int64_t x_stride, const float* scale, const int32_t* sum, float* y, int64_t y_stride,
                  int device = 0);

}  // namespace trit::cuda

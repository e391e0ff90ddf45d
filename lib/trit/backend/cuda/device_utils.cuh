#pragma once
// Shared device code of the CUDA kernels: launch sizes for grid-stride loops (the strided walk
// and per-element math are in kernel_math.h), warp and block reductions, and float <-> storage
// type conversion. Include only from .cu files.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "trit/backend/cuda/kernel_math.h"
#include "trit/backend/cuda/strided_desc.h"

namespace trit::cuda {

constexpr int kThreads = 256;      // block size of elementwise kernels
constexpr int kRowThreads = 256;   // block size of row kernels (one block per row)

// Blocks for a grid-stride loop over n elements: enough to fill the device, never more than
// the elements need.
inline unsigned grid_for(int64_t n, int threads = kThreads) {
  const int64_t blocks = (n + threads - 1) / threads;
  return unsigned(std::clamp<int64_t>(blocks, 1, 65535));
}

// Rows for one-block-per-row kernels, walked grid-stride when there are more than 65535.
inline unsigned grid_for_rows(int64_t rows) { return unsigned(std::clamp<int64_t>(rows, 1, 65535)); }
// Threads per row for one-block-per-row kernels: a multiple of 32 covering short rows.
inline int row_threads(int64_t n) { return int(std::clamp<int64_t>((n + 31) / 32 * 32, 32, kRowThreads)); }

#define TRIT_GRID_STRIDE(i, n) \
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); i += int64_t(gridDim.x) * blockDim.x)

struct SumOp {
  template <typename T>
  __device__ T operator()(T a, T b) const { return a + b; }
};
struct MaxOp {
  template <typename T>
  __device__ T operator()(T a, T b) const { return a > b ? a : b; }
};

template <typename T, typename Op>
__device__ inline T warp_reduce(T v, Op op) {
  for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// Reduces v over the block (blockDim.x a multiple of 32); every thread gets the result. The
// first barrier lets a block call it several times in a row with one shared buffer.
template <typename T, typename Op>
__device__ inline T block_reduce(T v, Op op, T identity) {
  __shared__ T partial[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_reduce(v, op);
  __syncthreads();
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    const int n_warps = int(blockDim.x) >> 5;
    T w = lane < n_warps ? partial[lane] : identity;
    w = warp_reduce(w, op);
    if (lane == 0) partial[0] = w;
  }
  __syncthreads();
  return partial[0];
}

__device__ inline float to_float(float v) { return v; }
__device__ inline float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }
template <typename T>
__device__ inline T from_float(float v);
template <>
__device__ inline float from_float<float>(float v) { return v; }
template <>
__device__ inline __nv_bfloat16 from_float<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

}  // namespace trit::cuda

#include "trit/backend/cuda/int8_infer.h"

#include <algorithm>
#include <cfloat>
#include <cstdint>

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/core/error.h"
#include "trit/runtime/gpu_ternary_layout.h"

namespace trit::cuda {
namespace {

namespace g2 = trit::runtime::gpu;

constexpr int kQuantThreads = 256;
constexpr int kGemvThreads = 256;  // 8 warps, one output row each
constexpr int kWarp = 32;

__device__ float block_max(float v, float* shared) {
  for (int o = kWarp / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  v = lane < int(blockDim.x) / kWarp ? shared[lane] : 0.0f;
  for (int o = kWarp / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  __syncthreads();  // shared is reused by the next reduction
  return v;
}

__device__ int block_sum(int v, int* shared) {
  for (int o = kWarp / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  v = lane < int(blockDim.x) / kWarp ? shared[lane] : 0;
  for (int o = kWarp / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// One block per token. The float operations are the CPU quantizer's, each rounded once:
// sx = 127 / max(absmax, 1e-5), q = clamp(rint(x * sx), -128, 127) with rint half to even.
__global__ void __launch_bounds__(kQuantThreads)
    quantize_kernel(const float* __restrict__ x, int64_t cols, int64_t x_stride, int8_t* __restrict__ xq,
                    int64_t xq_stride, float* __restrict__ scale, int32_t* __restrict__ sum, int32_t* status) {
  __shared__ float smax[kQuantThreads / kWarp];
  __shared__ int ssum[kQuantThreads / kWarp];
  const int64_t t = blockIdx.x;
  const float* row = x + t * x_stride;
  float amax = 0.0f;
  int bad = 0;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
    const float a = fabsf(row[j]);
    bad |= !(a <= FLT_MAX);
    amax = fmaxf(amax, a);
  }
  bad = __syncthreads_or(bad);
  amax = block_max(amax, smax);
  if (bad && threadIdx.x == 0) atomicMax(status, int32_t(t));
  const float sx = __fdiv_rn(127.0f, fmaxf(amax, 1e-5f));
  int s = 0;
  int8_t* out = xq + t * xq_stride;
  for (int64_t j = threadIdx.x; j < xq_stride; j += blockDim.x) {
    int q = 0;
    if (j < cols) {
      q = int(fminf(fmaxf(rintf(__fmul_rn(row[j], sx)), -128.0f), 127.0f));
      s += q;
    }
    out[j] = int8_t(q);
  }
  s = block_sum(s, ssum);
  if (threadIdx.x == 0) {
    scale[t] = sx;
    sum[t] = s;
  }
}

__global__ void dequantize_kernel(const int32_t* __restrict__ acc, int64_t ld_acc, int64_t rows,
                                  const float* __restrict__ scale, float sw, float* __restrict__ y, int64_t y_stride) {
  const int64_t t = blockIdx.y;
  const int64_t r = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  y[t * y_stride + r] = __fdiv_rn(__int2float_rn(acc[t * ld_acc + r]), __fmul_rn(scale[t], sw));
}

// One warp per output row and kTokens tokens (1..4): the codes are loaded once and used for
// every token. Each step the warp loads 512 consecutive code bytes (lane l: 16 bytes of group
// 4s + l / 8 at byte 16 (l % 8)); per 2-bit plane n the lane reads each token's 16 activation
// bytes of the same columns and issues four dp4a (gpu_ternary_layout.h).
template <int kTokens>
__global__ void __launch_bounds__(kGemvThreads)
    ternary_gemv_kernel(const uint8_t* __restrict__ codes, int64_t rows, int64_t row_bytes, float sw,
                        const int8_t* __restrict__ xq, int64_t x_stride, const float* __restrict__ scale,
                        const int32_t* __restrict__ sum, float* __restrict__ y, int64_t y_stride) {
  const int lane = threadIdx.x % kWarp;
  const int64_t row = int64_t(blockIdx.x) * (kGemvThreads / kWarp) + threadIdx.x / kWarp;
  if (row >= rows) return;  // the whole warp leaves together
  const uint8_t* w = codes + row * row_bytes;
  int acc[kTokens];
#pragma unroll
  for (int t = 0; t < kTokens; ++t) acc[t] = 0;
#pragma unroll 2
  for (int64_t off = int64_t(lane) * 16; off < row_bytes; off += kWarp * 16) {
    const uint4 wv = __ldcs(reinterpret_cast<const uint4*>(w + off));  // streamed once
    const int64_t col = off / int64_t(g2::kGroupBytes) * int64_t(g2::kGroupCols) + off % int64_t(g2::kGroupBytes);
#pragma unroll
    for (unsigned n = 0; n < 4; ++n) {
      const int c0 = int(g2::plane_codes(wv.x, n)), c1 = int(g2::plane_codes(wv.y, n));
      const int c2 = int(g2::plane_codes(wv.z, n)), c3 = int(g2::plane_codes(wv.w, n));
#pragma unroll
      for (int t = 0; t < kTokens; ++t) {
        const int4 xv = __ldg(reinterpret_cast<const int4*>(xq + t * x_stride + col + n * g2::kSubCols));
        acc[t] = __dp4a(c0, xv.x, acc[t]);
        acc[t] = __dp4a(c1, xv.y, acc[t]);
        acc[t] = __dp4a(c2, xv.z, acc[t]);
        acc[t] = __dp4a(c3, xv.w, acc[t]);
      }
    }
  }
#pragma unroll
  for (int t = 0; t < kTokens; ++t) {
    int a = acc[t];
    for (int o = kWarp / 2; o > 0; o >>= 1) a += __shfl_xor_sync(0xffffffffu, a, o);
    if (lane == 0) y[t * y_stride + row] = __fdiv_rn(__int2float_rn(a - sum[t]), __fmul_rn(scale[t], sw));
  }
}

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

}  // namespace

void quantize_activations(const float* x, int64_t n_tokens, int64_t cols, int64_t x_stride, int8_t* xq,
                          int64_t xq_stride, float* scale, int32_t* sum, int32_t* status, int device) {
  TRIT_CHECK(n_tokens >= 0 && cols >= 0, "cuda quantize_activations: negative size ", n_tokens, " x ", cols);
  TRIT_CHECK(n_tokens <= 1 || x_stride >= cols, "cuda quantize_activations: input stride ", x_stride, " < cols ",
             cols);
  TRIT_CHECK(xq_stride >= cols, "cuda quantize_activations: output stride ", xq_stride, " < cols ", cols);
  TRIT_CHECK(n_tokens <= INT32_MAX, "cuda quantize_activations: ", n_tokens, " tokens is too many for one launch");
  cudaStream_t s = stream(device);
  TRIT_CUDA_CHECK(cudaMemsetAsync(status, 0xff, sizeof(int32_t), s));  // -1
  if (n_tokens == 0) return;
  quantize_kernel<<<unsigned(n_tokens), kQuantThreads, 0, s>>>(x, cols, x_stride, xq, xq_stride, scale, sum, status);
  TRIT_CUDA_CHECK_LAUNCH();
}

void check_quantize_status(const int32_t* status, int device) {
  int32_t host = -1;
  cudaStream_t s = stream(device);
  TRIT_CUDA_CHECK(cudaMemcpyAsync(&host, status, sizeof(host), cudaMemcpyDeviceToHost, s));
  TRIT_CUDA_CHECK(cudaStreamSynchronize(s));
  TRIT_CHECK(host < 0, "cuda quantize_activations: token ", host, " has an inf or NaN activation");
}

void dequantize_i32(const int32_t* acc, int64_t ld_acc, int64_t n_tokens, int64_t rows, const float* scale, float sw,
                    float* y, int64_t y_stride, int device) {
  TRIT_CHECK(ld_acc >= rows && y_stride >= rows, "cuda dequantize_i32: strides ", ld_acc, "/", y_stride, " < rows ",
             rows);
  TRIT_CHECK(n_tokens <= 65535, "cuda dequantize_i32: ", n_tokens, " tokens exceed one launch (65535)");
  if (n_tokens == 0 || rows == 0) return;
  const dim3 grid(unsigned((rows + 255) / 256), unsigned(n_tokens));
  dequantize_kernel<<<grid, 256, 0, stream(device)>>>(acc, ld_acc, rows, scale, sw, y, y_stride);
  TRIT_CUDA_CHECK_LAUNCH();
}

void ternary_gemv(const uint8_t* codes, int64_t rows, int64_t cols, float sw, const int8_t* xq, int64_t n_tokens,
                  int64_t x_stride, const float* scale, const int32_t* sum, float* y, int64_t y_stride, int device) {
  TRIT_CHECK(x_stride >= int64_t(g2::cols_padded(size_t(cols))) && x_stride % 16 == 0,
             "cuda ternary_gemv: activation stride ", x_stride, " must be a multiple of 16 and >= ",
             g2::cols_padded(size_t(cols)));
  TRIT_CHECK(aligned16(codes) && aligned16(xq), "cuda ternary_gemv: codes and activations must be 16-byte aligned");
  TRIT_CHECK(y_stride >= rows, "cuda ternary_gemv: output stride ", y_stride, " < rows ", rows);
  if (n_tokens <= 0 || rows == 0) return;
  constexpr int64_t rows_per_block = kGemvThreads / kWarp;
  const auto blocks = unsigned((rows + rows_per_block - 1) / rows_per_block);
  const auto rb = int64_t(g2::row_bytes(size_t(cols)));
  cudaStream_t s = stream(device);
  // Up to four tokens per launch share each weight load; more tokens take more launches.
  for (int64_t t0 = 0; t0 < n_tokens; t0 += 4) {
    const int64_t k = std::min<int64_t>(4, n_tokens - t0);
    const int8_t* x = xq + t0 * x_stride;
    float* out = y + t0 * y_stride;
    switch (k) {
      case 1:
        ternary_gemv_kernel<1><<<blocks, kGemvThreads, 0, s>>>(codes, rows, rb, sw, x, x_stride, scale + t0, sum + t0,
                                                               out, y_stride);
        break;
      case 2:
        ternary_gemv_kernel<2><<<blocks, kGemvThreads, 0, s>>>(codes, rows, rb, sw, x, x_stride, scale + t0, sum + t0,
                                                               out, y_stride);
        break;
      case 3:
        ternary_gemv_kernel<3><<<blocks, kGemvThreads, 0, s>>>(codes, rows, rb, sw, x, x_stride, scale + t0, sum + t0,
                                                               out, y_stride);
        break;
      default:
        ternary_gemv_kernel<4><<<blocks, kGemvThreads, 0, s>>>(codes, rows, rb, sw, x, x_stride, scale + t0, sum + t0,
                                                               out, y_stride);
        break;
    }
    TRIT_CUDA_CHECK_LAUNCH();
  }
}

}  // namespace trit::cuda

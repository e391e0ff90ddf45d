// RoPE kernels (see rope.h): a [T, D/2] table of cos and sin, then one thread per rotated pair.
#include "trit/backend/cuda/rope.h"

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/device_utils.cuh"
#include "trit/backend/cuda/tensor_access.h"

namespace trit::cuda {
namespace {

__global__ void rope_table_kernel(float* cs, float* sn, int64_t t_len, int64_t half, int64_t d, int64_t pos0,
                                  double theta, double direction) {
  TRIT_GRID_STRIDE(k, t_len * half) {
    rope_angle(pos0 + k / half, k % half, d, theta, direction, cs[k], sn[k]);
  }
}

// One thread per (row, i < half) pair; rows are the B*H*T vectors of length d.
__global__ void rope_apply_kernel(const float* x, float* y, const float* cs, const float* sn, int64_t rows,
                                  int64_t t_len, int64_t half) {
  const int64_t d = 2 * half;
  TRIT_GRID_STRIDE(k, rows * half) {
    const int64_t r = k / half, i = k % half, t = r % t_len;
    rope_pair(x[r * d + i], x[r * d + i + half], cs[t * half + i], sn[t * half + i], y[r * d + i], y[r * d + i + half]);
  }
}

}  // namespace

Tensor rope_rotate(const Tensor& x, int64_t pos0, double theta, double direction) {
  TRIT_CHECK(x.is_contiguous(), "rope: internal: CUDA kernel needs contiguous input");
  check_f32(x, "rope");
  const int64_t B = x.size(0), H = x.size(1), T = x.size(2), D = x.size(3), half = D / 2;
  Tensor y = Tensor::empty(x.shape(), DType::f32, x.device());
  if (x.numel() == 0) return y;
  Tensor table = Tensor::empty({2, T, half}, DType::f32, x.device());
  float* cs = device_ptr<float>(table, DType::f32, "rope");
  float* sn = cs + T * half;
  cudaStream_t s = stream(x.device().index);
  rope_table_kernel<<<grid_for(T * half), kThreads, 0, s>>>(cs, sn, T, half, D, pos0, theta, direction);
  TRIT_CUDA_CHECK_LAUNCH();
  const int64_t rows = B * H * T;
  rope_apply_kernel<<<grid_for(rows * half), kThreads, 0, s>>>(device_ptr<const float>(x, DType::f32, "rope"),
                                                               device_ptr<float>(y, DType::f32, "rope"), cs, sn, rows, T,
                                                               half);
  TRIT_CUDA_CHECK_LAUNCH();
  return y;
}

}  // namespace trit::cuda

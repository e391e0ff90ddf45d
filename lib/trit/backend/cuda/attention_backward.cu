// Launches the fused attention backward (kernels in attention_kernels.cuh): delta, then dQ,
// then dK/dV, all on the device's stream.
#include "trit/backend/cuda/attention_kernels.cuh"
#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/core/error.h"

namespace trit::cuda {
namespace attn {
namespace {

template <typename T, int DMAX>
void launch_backward(const Params& p, cudaStream_t stream) {
  // Without queries (T = 0, keys only from a cache) only the dK/dV kernel runs: it writes zeros.
  if (p.T > 0) {
    const LaunchShape ld = delta_launch(p);
    delta_kernel<T><<<dim3(ld.grid_x, ld.grid_y), ld.threads, 0, stream>>>(p);
    TRIT_CUDA_CHECK_LAUNCH();
    const LaunchShape lq = dq_launch(p, DMAX);
    dq_kernel<T, DMAX><<<dim3(lq.grid_x, lq.grid_y), lq.threads, 0, stream>>>(p);
    TRIT_CUDA_CHECK_LAUNCH();
  }
  const LaunchShape lk = dkdv_launch(p, DMAX);
  dkdv_kernel<T, DMAX><<<dim3(lk.grid_x, lk.grid_y), lk.threads, 0, stream>>>(p);
  TRIT_CUDA_CHECK_LAUNCH();
}

template <typename T>
void launch_backward_for_dim(const Params& p, cudaStream_t stream) {
  switch (head_dim_bucket(p.d)) {
    case 32: return launch_backward<T, 32>(p, stream);
    case 64: return launch_backward<T, 64>(p, stream);
    default: return launch_backward<T, 128>(p, stream);
  }
}

}  // namespace
}  // namespace attn

void attention_backward(const AttentionShape& s, const AttentionInputs& in, const AttentionGrads& grads, int device) {
  check_attention_shape(s);
  if (s.B == 0 || s.H == 0 || s.S == 0) return;
  const attn::Params p = attn::backward_params(s, in, grads);
  const cudaStream_t st = stream(device);
  if (s.dtype == DType::f32) attn::launch_backward_for_dim<float>(p, st);
  else attn::launch_backward_for_dim<__nv_bfloat16>(p, st);
}

}  // namespace trit::cuda

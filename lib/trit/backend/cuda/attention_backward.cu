// Launches the fused attention backward: delta, then dQ, then dK/dV, all on the device's
// stream; float32 through the SIMT kernels (attention_kernels.cuh), bf16 through the
// tensor-core ones (attention_tc_kernels.cuh).
#include "trit/backend/cuda/attention_tc_kernels.cuh"
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

template <int DMAX>
void launch_backward_tc(const Params& p, cudaStream_t stream) {
  constexpr int64_t dq_bytes = tc_dq_layout(DMAX).bytes, dkdv_bytes = tc_dkdv_layout(DMAX).bytes;
  static_assert(dq_bytes <= kMaxDynamicShared && dkdv_bytes <= kMaxDynamicShared);
  if (p.T > 0) {
    const LaunchShape ld = delta_launch(p);
    delta_kernel<bf16_t><<<dim3(ld.grid_x, ld.grid_y), ld.threads, 0, stream>>>(p);
    TRIT_CUDA_CHECK_LAUNCH();
    TRIT_CUDA_CHECK(cudaFuncSetAttribute(dq_tc_kernel<DMAX>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(dq_bytes)));
    const LaunchShape lq = dq_tc_launch(p);
    dq_tc_kernel<DMAX><<<dim3(lq.grid_x, lq.grid_y), lq.threads, size_t(dq_bytes), stream>>>(p);
    TRIT_CUDA_CHECK_LAUNCH();
  }
  TRIT_CUDA_CHECK(cudaFuncSetAttribute(dkdv_tc_kernel<DMAX>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(dkdv_bytes)));
  const LaunchShape lk = dkdv_tc_launch(p);
  dkdv_tc_kernel<DMAX><<<dim3(lk.grid_x, lk.grid_y), lk.threads, size_t(dkdv_bytes), stream>>>(p);
  TRIT_CUDA_CHECK_LAUNCH();
}

void launch_backward_for_dim(const Params& p, DType dtype, cudaStream_t stream) {
  const bool tc = dtype == DType::bf16;
  switch (head_dim_bucket(p.d)) {
    case 32: return tc ? launch_backward_tc<32>(p, stream) : launch_backward<float, 32>(p, stream);
    case 64: return tc ? launch_backward_tc<64>(p, stream) : launch_backward<float, 64>(p, stream);
    default: return tc ? launch_backward_tc<128>(p, stream) : launch_backward<float, 128>(p, stream);
  }
}

}  // namespace
}  // namespace attn

void attention_backward(const AttentionShape& s, const AttentionInputs& in, const AttentionGrads& grads, int device) {
  check_attention_shape(s);
  if (s.B == 0 || s.H == 0 || s.S == 0) return;
  const attn::Params p = attn::backward_params(s, in, grads);
  attn::launch_backward_for_dim(p, s.dtype, stream(device));
}

}  // namespace trit::cuda

// Launches the fused attention forward and checks shapes: float32 through the SIMT kernel
// (attention_kernels.cuh), bf16 through the tensor-core kernel (attention_tc_kernels.cuh).
#include "trit/backend/cuda/attention_tc_kernels.cuh"
#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/core/error.h"

namespace trit::cuda {
namespace attn {
namespace {

template <typename T, int DMAX>
void launch_forward(const Params& p, cudaStream_t stream) {
  const LaunchShape l = forward_launch(p, DMAX);
  forward_kernel<T, DMAX><<<dim3(l.grid_x, l.grid_y), l.threads, 0, stream>>>(p);
  TRIT_CUDA_CHECK_LAUNCH();
}

template <int DMAX>
void launch_forward_tc(const Params& p, cudaStream_t stream) {
  constexpr int64_t bytes = tc_forward_layout(DMAX).bytes;
  static_assert(bytes <= kMaxDynamicShared);
  TRIT_CUDA_CHECK(cudaFuncSetAttribute(forward_tc_kernel<DMAX>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(bytes)));
  const LaunchShape l = forward_tc_launch(p);
  forward_tc_kernel<DMAX><<<dim3(l.grid_x, l.grid_y), l.threads, size_t(bytes), stream>>>(p);
  TRIT_CUDA_CHECK_LAUNCH();
}

void launch_forward_for_dim(const Params& p, DType dtype, cudaStream_t stream) {
  const bool tc = dtype == DType::bf16;
  switch (head_dim_bucket(p.d)) {
    case 32: return tc ? launch_forward_tc<32>(p, stream) : launch_forward<float, 32>(p, stream);
    case 64: return tc ? launch_forward_tc<64>(p, stream) : launch_forward<float, 64>(p, stream);
    default: return tc ? launch_forward_tc<128>(p, stream) : launch_forward<float, 128>(p, stream);
  }
}

}  // namespace
}  // namespace attn

void check_attention_shape(const AttentionShape& s) {
  TRIT_CHECK(s.dtype == DType::f32 || s.dtype == DType::bf16, "causal_attention (CUDA): expected f32 or bf16 tensors, got ",
             dtype_name(s.dtype));
  TRIT_CHECK(attn::head_dim_bucket(s.D) != 0, "causal_attention (CUDA): head dim ", s.D,
             " is not supported (the fused kernel handles 1..128)");
  TRIT_CHECK(s.Hkv > 0 && s.H % s.Hkv == 0, "causal_attention (CUDA): ", s.H, " query heads are not a multiple of ", s.Hkv,
             " kv heads");
  TRIT_CHECK(s.S >= s.T, "causal_attention (CUDA): fewer keys (", s.S, ") than queries (", s.T, ")");
  // Grid limits: x = batch * heads (2^31 - 1), y = row or key blocks (65535).
  TRIT_CHECK(s.B * s.H < (int64_t(1) << 31), "causal_attention (CUDA): batch * heads = ", s.B * s.H, " is too large");
  TRIT_CHECK(attn::ceil_div(s.S, attn::kKeysBwd) <= 65535 && attn::ceil_div(s.T, attn::kRowsFwd) <= 65535,
             "causal_attention (CUDA): sequence of ", s.S, " keys is too long (at most ", 65535 * attn::kKeysBwd, ")");
  TRIT_CHECK(attn::ceil_div(s.B * s.H * s.T, attn::kDeltaRowsPerBlock) < (int64_t(1) << 31),
             "causal_attention (CUDA): batch * heads * queries = ", s.B * s.H * s.T, " is too large");
}

void attention_forward(const AttentionShape& s, const AttentionInputs& in, void* o, HeadStrides o_st, float* lse,
                       int device) {
  check_attention_shape(s);
  if (s.B == 0 || s.H == 0 || s.T == 0) return;
  attn::Params p = attn::make_params(s, in);
  p.o = o;
  p.o_st = o_st;
  p.lse = lse;
  attn::launch_forward_for_dim(p, s.dtype, stream(device));
}

}  // namespace trit::cuda

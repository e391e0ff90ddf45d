// Fused causal attention, forward (see attention.h): one block per (batch, head, 64 query
// rows); K and V tiles of 32 keys are staged in shared memory as float; each query row keeps a
// running max m, running sum l and an unnormalised output accumulator (online softmax), and
// tiles past the block's last visible key are never loaded.
#include <cmath>

#include "trit/backend/cuda/attention_device.cuh"
#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/core/error.h"

namespace trit::cuda {
namespace attn {
namespace {

template <typename T, int DMAX>
__global__ void __launch_bounds__(threads_fwd(DMAX)) forward_kernel(Params p) {
  constexpr int G = lanes_per_row(DMAX);
  __shared__ float k_tile[kKeysTile][DMAX];
  __shared__ float v_tile[kKeysTile][DMAX];

  const int64_t b = blockIdx.x / p.H, h = blockIdx.x % p.H, hk = h / (p.H / p.Hkv);
  const int64_t row0 = int64_t(blockIdx.y) * kRowsFwd;
  const int g = threadIdx.x % G;
  const int64_t my_row = row0 + threadIdx.x / G;
  // Rows past T compute on row T - 1 (so every lane takes part in shuffles and barriers) and
  // write nothing.
  const bool row_ok = my_row < p.T;
  const int64_t row = row_ok ? my_row : p.T - 1;

  float q[kSlice], acc[kSlice];
  // The scale is folded into q once: s = (scale q) . k.
  load_slice<T, G>(q, static_cast<const T*>(p.q) + at(p.q_st, b, h, row), g, p.d, p.scale);
#pragma unroll
  for (int i = 0; i < kSlice; ++i) acc[i] = 0.f;
  float m = -INFINITY, l = 0.f;

  const T* kp = static_cast<const T*>(p.k) + at(p.k_st, b, hk, 0);
  const T* vp = static_cast<const T*>(p.v) + at(p.v_st, b, hk, 0);
  const int64_t key_end = key_end_for_rows(row0, kRowsFwd, p.T, p.offset);
  for (int64_t n0 = 0; n0 < key_end; n0 += kKeysTile) {
    __syncthreads();  // the previous tile is no longer read
    load_tile<T, kKeysTile, DMAX>(k_tile, kp, p.k_st.t, n0, p.S, p.d);
    load_tile<T, kKeysTile, DMAX>(v_tile, vp, p.v_st.t, n0, p.S, p.d);
    __syncthreads();

    float s[kKeysTile];
    float tile_max = -INFINITY;
#pragma unroll
    for (int j = 0; j < kKeysTile; ++j) {
      const float dot = group_sum<G>(dot_slice<G, DMAX>(q, k_tile[j], g));
      // Keys past S are never visible: offset + row <= S - 1.
      s[j] = key_visible(row, n0 + j, p.offset) ? dot : -INFINITY;
      tile_max = fmaxf(tile_max, s[j]);
    }
    // m_new is finite: the first tile holds key 0, which every query row sees. Before it,
    // m = -inf and corr = exp(-inf) = 0 (acc and l are still zero then anyway).
    const float m_new = fmaxf(m, tile_max);
    const float corr = expf(m - m_new);
    l *= corr;
#pragma unroll
    for (int i = 0; i < kSlice; ++i) acc[i] *= corr;
#pragma unroll
    for (int j = 0; j < kKeysTile; ++j) {
      const float pj = expf(s[j] - m_new);  // exp(-inf) = 0 for masked keys
      l += pj;
#pragma unroll
      for (int i = 0; i < kSlice; ++i) acc[i] += pj * v_tile[j][g + G * i];
    }
    m = m_new;
  }

  if (row_ok) {
    store_slice<T, G>(static_cast<T*>(p.out) + at(p.out_st, b, h, row), acc, g, p.d, 1.f / l);
    if (g == 0) p.lse[(b * p.H + h) * p.T + row] = m + logf(l);
  }
}

template <typename T, int DMAX>
void launch_forward(const Params& p, cudaStream_t stream) {
  const dim3 grid(unsigned(p.B * p.H), unsigned(ceil_div(p.T, kRowsFwd)));
  forward_kernel<T, DMAX><<<grid, threads_fwd(DMAX), 0, stream>>>(p);
  TRIT_CUDA_CHECK_LAUNCH();
}

template <typename T>
void launch_forward_for_dim(const Params& p, cudaStream_t stream) {
  switch (head_dim_bucket(p.d)) {
    case 32: return launch_forward<T, 32>(p, stream);
    case 64: return launch_forward<T, 64>(p, stream);
    default: return launch_forward<T, 128>(p, stream);
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
}

void attention_forward(const AttentionShape& s, const AttentionInputs& in, void* o, HeadStrides o_st, float* lse,
                       int device) {
  check_attention_shape(s);
  if (s.B == 0 || s.H == 0 || s.T == 0) return;
  attn::Params p{};
  p.q = in.q;
  p.k = in.k;
  p.v = in.v;
  p.out = o;
  p.lse = lse;
  p.q_st = in.q_st;
  p.k_st = in.k_st;
  p.v_st = in.v_st;
  p.out_st = o_st;
  p.B = s.B;
  p.H = s.H;
  p.Hkv = s.Hkv;
  p.T = s.T;
  p.S = s.S;
  p.offset = s.S - s.T;
  p.d = int(s.D);
  p.scale = s.scale;
  const cudaStream_t st = stream(device);
  if (s.dtype == DType::f32) attn::launch_forward_for_dim<float>(p, st);
  else attn::launch_forward_for_dim<__nv_bfloat16>(p, st);
}

}  // namespace trit::cuda

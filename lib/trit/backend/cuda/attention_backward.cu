// Fused causal attention, backward (see attention.h), in three kernels:
//   delta_kernel: delta = rowsum(dout * o), one warp per query row.
//   dq_kernel:    one block per (batch, head, 64 query rows), walking K/V tiles of 32 keys up
//                 to the block's last visible key; P is recomputed from q, k and the saved lse.
//   dkdv_kernel:  one block per (batch, kv head, 64 keys), walking Q/dout tiles of 32 rows from
//                 the first row that sees the block's first key, over every query head of the
//                 kv head's group (so grouped-query gradients are summed without atomics).
#include "trit/backend/cuda/attention_device.cuh"
#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/core/error.h"

namespace trit::cuda {
namespace attn {
namespace {

constexpr int kDeltaRowsPerBlock = 8;  // one warp each

template <typename T>
__global__ void __launch_bounds__(32 * kDeltaRowsPerBlock) delta_kernel(Params p) {
  const int64_t r = int64_t(blockIdx.x) * kDeltaRowsPerBlock + threadIdx.x / 32;  // over B * H * T
  if (r >= p.B * p.H * p.T) return;  // whole warps leave together
  const int64_t t = r % p.T, bh = r / p.T, h = bh % p.H, b = bh / p.H;
  const T* o = static_cast<const T*>(p.o) + at(p.o_st, b, h, t);
  const T* dout = static_cast<const T*>(p.dout) + at(p.dout_st, b, h, t);
  float s = 0.f;
  for (int c = threadIdx.x % 32; c < p.d; c += 32) s += to_float(o[c]) * to_float(dout[c]);
  s = group_sum<32>(s);
  if (threadIdx.x % 32 == 0) p.delta[r] = s;
}

template <typename T, int DMAX>
__global__ void __launch_bounds__(threads_fwd(DMAX)) dq_kernel(Params p) {
  constexpr int G = lanes_per_row(DMAX);
  __shared__ float k_tile[kKeysTile][DMAX];
  __shared__ float v_tile[kKeysTile][DMAX];

  const int64_t b = blockIdx.x / p.H, h = blockIdx.x % p.H, hk = h / (p.H / p.Hkv);
  const int64_t row0 = int64_t(blockIdx.y) * kRowsFwd;
  const int g = threadIdx.x % G;
  const int64_t my_row = row0 + threadIdx.x / G;
  const bool row_ok = my_row < p.T;
  const int64_t row = row_ok ? my_row : p.T - 1;  // see forward_kernel

  float q[kSlice], dout[kSlice], dq[kSlice];
  load_slice<T, G>(q, static_cast<const T*>(p.q) + at(p.q_st, b, h, row), g, p.d, p.scale);
  load_slice<T, G>(dout, static_cast<const T*>(p.dout) + at(p.dout_st, b, h, row), g, p.d);
#pragma unroll
  for (int i = 0; i < kSlice; ++i) dq[i] = 0.f;
  const int64_t stat = (b * p.H + h) * p.T + row;
  const float lse = p.lse[stat], delta = p.delta[stat];

  const T* kp = static_cast<const T*>(p.k) + at(p.k_st, b, hk, 0);
  const T* vp = static_cast<const T*>(p.v) + at(p.v_st, b, hk, 0);
  const int64_t key_end = key_end_for_rows(row0, kRowsFwd, p.T, p.offset);
  for (int64_t n0 = 0; n0 < key_end; n0 += kKeysTile) {
    __syncthreads();
    load_tile<T, kKeysTile, DMAX>(k_tile, kp, p.k_st.t, n0, p.S, p.d);
    load_tile<T, kKeysTile, DMAX>(v_tile, vp, p.v_st.t, n0, p.S, p.d);
    __syncthreads();
#pragma unroll 4
    for (int j = 0; j < kKeysTile; ++j) {
      const float s = group_sum<G>(dot_slice<G, DMAX>(q, k_tile[j], g));
      const float dp = group_sum<G>(dot_slice<G, DMAX>(dout, v_tile[j], g));
      const float pj = key_visible(row, n0 + j, p.offset) ? expf(s - lse) : 0.f;
      const float ds = pj * (dp - delta);
#pragma unroll
      for (int i = 0; i < kSlice; ++i) dq[i] += ds * k_tile[j][g + G * i];
    }
  }
  if (row_ok) store_slice<T, G>(static_cast<T*>(p.out) + at(p.out_st, b, h, row), dq, g, p.d, p.scale);
}

template <typename T, int DMAX>
__global__ void __launch_bounds__(threads_dkdv(DMAX)) dkdv_kernel(Params p) {
  constexpr int G = lanes_per_row(DMAX);
  __shared__ float q_tile[kRowsTile][DMAX];
  __shared__ float dout_tile[kRowsTile][DMAX];
  __shared__ float lse_tile[kRowsTile];
  __shared__ float delta_tile[kRowsTile];

  const int64_t b = blockIdx.x / p.Hkv, hk = blockIdx.x % p.Hkv, group = p.H / p.Hkv;
  const int64_t key0 = int64_t(blockIdx.y) * kKeysBwd;
  const int g = threadIdx.x % G;
  const int64_t my_key = key0 + threadIdx.x / G;
  const bool key_ok = my_key < p.S;
  const int64_t key = key_ok ? my_key : p.S - 1;  // lanes past S compute, write nothing

  float k[kSlice], v[kSlice], dk[kSlice], dv[kSlice];
  load_slice<T, G>(k, static_cast<const T*>(p.k) + at(p.k_st, b, hk, key), g, p.d);
  load_slice<T, G>(v, static_cast<const T*>(p.v) + at(p.v_st, b, hk, key), g, p.d);
#pragma unroll
  for (int i = 0; i < kSlice; ++i) dk[i] = dv[i] = 0.f;

  const int64_t row_begin = first_row_seeing(key0, p.offset);
  for (int64_t hg = 0; hg < group; ++hg) {
    const int64_t h = hk * group + hg;
    const T* qp = static_cast<const T*>(p.q) + at(p.q_st, b, h, 0);
    const T* dp_ = static_cast<const T*>(p.dout) + at(p.dout_st, b, h, 0);
    const int64_t stat0 = (b * p.H + h) * p.T;
    for (int64_t m0 = row_begin; m0 < p.T; m0 += kRowsTile) {
      __syncthreads();
      load_tile<T, kRowsTile, DMAX>(q_tile, qp, p.q_st.t, m0, p.T, p.d);
      load_tile<T, kRowsTile, DMAX>(dout_tile, dp_, p.dout_st.t, m0, p.T, p.d);
      if (threadIdx.x < kRowsTile) {
        const int64_t r = m0 + threadIdx.x;
        lse_tile[threadIdx.x] = r < p.T ? p.lse[stat0 + r] : 0.f;
        delta_tile[threadIdx.x] = r < p.T ? p.delta[stat0 + r] : 0.f;
      }
      __syncthreads();
#pragma unroll 4
      for (int i = 0; i < kRowsTile; ++i) {
        const int64_t row = m0 + i;
        const float s = p.scale * group_sum<G>(dot_slice<G, DMAX>(k, q_tile[i], g));
        const float dp = group_sum<G>(dot_slice<G, DMAX>(v, dout_tile[i], g));
        const bool visible = row < p.T && key_visible(row, key, p.offset);
        const float pij = visible ? expf(s - lse_tile[i]) : 0.f;
        const float ds = pij * (dp - delta_tile[i]);
#pragma unroll
        for (int e = 0; e < kSlice; ++e) {
          dv[e] += pij * dout_tile[i][g + G * e];
          dk[e] += ds * q_tile[i][g + G * e];
        }
      }
    }
  }
  if (key_ok) {
    store_slice<T, G>(static_cast<T*>(p.out) + at(p.out_st, b, hk, key), dv, g, p.d, 1.f);
    store_slice<T, G>(static_cast<T*>(p.out2) + at(p.out2_st, b, hk, key), dk, g, p.d, p.scale);
  }
}

template <typename T, int DMAX>
void launch_backward(Params p, void* dq, HeadStrides dq_st, void* dk, HeadStrides dk_st, void* dv,
                     HeadStrides dv_st, cudaStream_t stream) {
  // Without queries (T = 0, keys only from a cache) only the dK/dV kernel runs: it writes zeros.
  if (p.T > 0) {
    const int64_t rows = p.B * p.H * p.T;
    delta_kernel<T><<<unsigned(ceil_div(rows, kDeltaRowsPerBlock)), 32 * kDeltaRowsPerBlock, 0, stream>>>(p);
    TRIT_CUDA_CHECK_LAUNCH();
    p.out = dq;
    p.out_st = dq_st;
    dq_kernel<T, DMAX>
        <<<dim3(unsigned(p.B * p.H), unsigned(ceil_div(p.T, kRowsFwd))), threads_fwd(DMAX), 0, stream>>>(p);
    TRIT_CUDA_CHECK_LAUNCH();
  }

  p.out = dv;
  p.out_st = dv_st;
  p.out2 = dk;
  p.out2_st = dk_st;
  dkdv_kernel<T, DMAX>
      <<<dim3(unsigned(p.B * p.Hkv), unsigned(ceil_div(p.S, kKeysBwd))), threads_dkdv(DMAX), 0, stream>>>(p);
  TRIT_CUDA_CHECK_LAUNCH();
}

template <typename T>
void launch_backward_for_dim(const Params& p, const AttentionGrads& gr, cudaStream_t stream) {
  switch (head_dim_bucket(p.d)) {
    case 32: return launch_backward<T, 32>(p, gr.dq, gr.dq_st, gr.dk, gr.dk_st, gr.dv, gr.dv_st, stream);
    case 64: return launch_backward<T, 64>(p, gr.dq, gr.dq_st, gr.dk, gr.dk_st, gr.dv, gr.dv_st, stream);
    default: return launch_backward<T, 128>(p, gr.dq, gr.dq_st, gr.dk, gr.dk_st, gr.dv, gr.dv_st, stream);
  }
}

}  // namespace
}  // namespace attn

void attention_backward(const AttentionShape& s, const AttentionInputs& in, const AttentionGrads& gr, int device) {
  check_attention_shape(s);
  TRIT_CHECK(s.B * s.H * s.T < (int64_t(1) << 31) * attn::kDeltaRowsPerBlock,
             "causal_attention backward (CUDA): too many rows");
  if (s.B == 0 || s.H == 0 || s.S == 0) return;
  attn::Params p{};
  p.q = in.q;
  p.k = in.k;
  p.v = in.v;
  p.o = gr.o;
  p.dout = gr.dout;
  p.lse = const_cast<float*>(gr.lse);  // read only in backward
  p.delta = gr.delta;
  p.q_st = in.q_st;
  p.k_st = in.k_st;
  p.v_st = in.v_st;
  p.o_st = gr.o_st;
  p.dout_st = gr.dout_st;
  p.B = s.B;
  p.H = s.H;
  p.Hkv = s.Hkv;
  p.T = s.T;
  p.S = s.S;
  p.offset = s.S - s.T;
  p.d = int(s.D);
  p.scale = s.scale;
  const cudaStream_t st = stream(device);
  if (s.dtype == DType::f32) attn::launch_backward_for_dim<float>(p, gr, st);
  else attn::launch_backward_for_dim<__nv_bfloat16>(p, gr, st);
}

}  // namespace trit::cuda

#pragma once
// The fused causal attention kernels for float32, SIMT (bf16 runs the tensor-core kernels of
// attention_tc_kernels.cuh, which reuse delta_kernel); see attention.h for the algorithm,
// attention_tiles.h for the tile geometry and thread layout. Launched by attention_forward.cu and
// attention_backward.cu; also compiled by the host compiler in
// tests/backend/cuda/attention_emulated_test.cpp, which runs them on the CPU through a
// block emulator (so keep to __syncthreads, __shfl_xor_sync and the helpers of
// attention_device.cuh).
//   forward_kernel: one block per (batch, head, 64 query rows); K and V tiles of 32 keys are
//                   staged in shared memory as float; each query row keeps a running max m,
//                   running sum l and an unnormalised output accumulator (online softmax);
//                   tiles past the block's last visible key are never loaded.
//   delta_kernel:   delta = rowsum(dout * o), one warp per query row.
//   dq_kernel:      one block per (batch, head, 64 query rows), walking K/V tiles up to the
//                   block's last visible key; P is recomputed from q, k and the saved lse.
//   dkdv_kernel:    one block per (batch, kv head, 64 keys), walking Q/dout tiles of 32 rows
//                   from the first row that sees the block's first key, over every query head
//                   of the kv head's group (grouped-query gradients summed without atomics).
#include "trit/backend/cuda/attention_device.cuh"

namespace trit::cuda::attn {

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
TRIT_UNROLL
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
TRIT_UNROLL
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
TRIT_UNROLL
    for (int i = 0; i < kSlice; ++i) acc[i] *= corr;
TRIT_UNROLL
    for (int j = 0; j < kKeysTile; ++j) {
      const float pj = expf(s[j] - m_new);  // exp(-inf) = 0 for masked keys
      l += pj;
TRIT_UNROLL
      for (int i = 0; i < kSlice; ++i) acc[i] += pj * v_tile[j][g + G * i];
    }
    m = m_new;
  }

  if (row_ok) {
    store_slice<T, G>(static_cast<T*>(p.o) + at(p.o_st, b, h, row), acc, g, p.d, 1.f / l);
    if (g == 0) p.lse[(b * p.H + h) * p.T + row] = m + logf(l);
  }
}

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
TRIT_UNROLL
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
TRIT_UNROLL_4
    for (int j = 0; j < kKeysTile; ++j) {
      const float s = group_sum<G>(dot_slice<G, DMAX>(q, k_tile[j], g));
      const float dp = group_sum<G>(dot_slice<G, DMAX>(dout, v_tile[j], g));
      const float pj = key_visible(row, n0 + j, p.offset) ? expf(s - lse) : 0.f;
      const float ds = pj * (dp - delta);
TRIT_UNROLL
      for (int i = 0; i < kSlice; ++i) dq[i] += ds * k_tile[j][g + G * i];
    }
  }
  if (row_ok) store_slice<T, G>(static_cast<T*>(p.dq) + at(p.dq_st, b, h, row), dq, g, p.d, p.scale);
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
TRIT_UNROLL
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
TRIT_UNROLL_4
      for (int i = 0; i < kRowsTile; ++i) {
        const int64_t row = m0 + i;
        const float s = p.scale * group_sum<G>(dot_slice<G, DMAX>(k, q_tile[i], g));
        const float dp = group_sum<G>(dot_slice<G, DMAX>(v, dout_tile[i], g));
        const bool visible = row < p.T && key_visible(row, key, p.offset);
        const float pij = visible ? expf(s - lse_tile[i]) : 0.f;
        const float ds = pij * (dp - delta_tile[i]);
TRIT_UNROLL
        for (int e = 0; e < kSlice; ++e) {
          dv[e] += pij * dout_tile[i][g + G * e];
          dk[e] += ds * q_tile[i][g + G * e];
        }
      }
    }
  }
  if (key_ok) {
    store_slice<T, G>(static_cast<T*>(p.dv) + at(p.dv_st, b, hk, key), dv, g, p.d, 1.f);
    store_slice<T, G>(static_cast<T*>(p.dk) + at(p.dk_st, b, hk, key), dk, g, p.d, p.scale);
  }
}

// Grid and block sizes, shared by the launchers and the emulated test.
struct LaunchShape {
  unsigned grid_x, grid_y, threads;
};
inline LaunchShape forward_launch(const Params& p, int dmax) {
  return {unsigned(p.B * p.H), unsigned(ceil_div(p.T, kRowsFwd)), unsigned(threads_fwd(dmax))};
}
inline LaunchShape delta_launch(const Params& p) {
  return {unsigned(ceil_div(p.B * p.H * p.T, kDeltaRowsPerBlock)), 1, unsigned(32 * kDeltaRowsPerBlock)};
}
inline LaunchShape dq_launch(const Params& p, int dmax) { return forward_launch(p, dmax); }
inline LaunchShape dkdv_launch(const Params& p, int dmax) {
  return {unsigned(p.B * p.Hkv), unsigned(ceil_div(p.S, kKeysBwd)), unsigned(threads_dkdv(dmax))};
}

}  // namespace trit::cuda::attn

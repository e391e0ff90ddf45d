#pragma once
// Tensor-core versions of the fused attention kernels for bf16 inputs (the float32 path keeps
// the SIMT kernels of attention_kernels.cuh, exact to float32 rounding). Same algorithm, same
// blocks of the grid (attention.h), but the four products per tile are 16x16x16 wmma
// products with float32 accumulation reading bf16 operands from shared memory:
//   forward  S = Q K^T, O += P V                  (P rounded to bf16, as FlashAttention-2)
//   dQ       S = Q K^T, dP = dO V^T, dQ += dS K   (dS rounded to bf16)
//   dK/dV    S^T = K Q^T, dP^T = V dO^T, dV += P^T dO, dK += dS^T Q
// Softmax bookkeeping stays in float32 SIMT code between the products, two lanes per row
// (attention_tiles.h: layouts and roles). Fragments are only loaded, multiplied and stored,
// never indexed, so nothing depends on their register layout; the emulated test runs these
// kernels on the CPU with an emulated wmma.
#include "trit/backend/cuda/attention_kernels.cuh"

#if defined(__CUDACC__)
#include <mma.h>
namespace trit::cuda::attn {
namespace wmma = nvcuda::wmma;
}
#define TRIT_DYNAMIC_SMEM(name) extern __shared__ __align__(128) unsigned char name[]
#endif

namespace trit::cuda::attn {

using bf16_t = __nv_bfloat16;
using FragA = wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16_t, wmma::row_major>;
using FragBRow = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16_t, wmma::row_major>;
using FragBCol = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16_t, wmma::col_major>;
using FragC = wmma::fragment<wmma::accumulator, 16, 16, 16, float>;

// dst [ROWS][DMAX] bf16 (row length ld_rows_bf16) = rows row0.. of src (row stride in
// elements), zero past n_rows or d.
template <int ROWS, int DMAX>
__device__ __forceinline__ void load_tile_bf16(bf16_t* dst, const bf16_t* src, int64_t row_stride, int64_t row0,
                                               int64_t n_rows, int d) {
  for (int i = threadIdx.x; i < ROWS * DMAX; i += blockDim.x) {
    const int r = i / DMAX, c = i % DMAX;
    const int64_t row = row0 + r;
    dst[r * ld_rows_bf16(DMAX) + c] = (row < n_rows && c < d) ? src[row * row_stride + c] : __float2bfloat16_rn(0.f);
  }
}

// out[16][64] (float, ld kLdTileF32) = a[16][DMAX] @ b[64][DMAX]^T, both bf16 with ld
// ld_rows_bf16: the warp's rows against a whole tile (S = Q K^T and its relatives).
template <int DMAX>
__device__ __forceinline__ void rows_times_tile_t(float* out, const bf16_t* a, const bf16_t* b) {
  constexpr int ld = ld_rows_bf16(DMAX);
  for (int n = 0; n < kTcTile / 16; ++n) {
    FragC acc;
    wmma::fill_fragment(acc, 0.f);
    for (int kk = 0; kk < DMAX / 16; ++kk) {
      FragA fa;
      FragBCol fb;  // b^T read column-major: element (kk, n) of b^T is b[n][kk]
      wmma::load_matrix_sync(fa, a + kk * 16, ld);
      wmma::load_matrix_sync(fb, b + n * 16 * ld + kk * 16, ld);
      wmma::mma_sync(acc, fa, fb, acc);
    }
    wmma::store_matrix_sync(out + n * 16, acc, kLdTileF32, wmma::mem_row_major);
  }
}

// acc[c] += p[16][64] (bf16, ld kLdTileBf16) @ b[64][DMAX] (bf16, ld ld_rows_bf16), for each
// column block c of 16.
template <int DMAX>
__device__ __forceinline__ void accumulate_tile_times_rows(FragC (&acc)[DMAX / 16], const bf16_t* p, const bf16_t* b) {
  constexpr int ld = ld_rows_bf16(DMAX);
  for (int c = 0; c < DMAX / 16; ++c) {
    for (int kk = 0; kk < kTcTile / 16; ++kk) {
      FragA fa;
      FragBRow fb;
      wmma::load_matrix_sync(fa, p + kk * 16, kLdTileBf16);
      wmma::load_matrix_sync(fb, b + kk * 16 * ld + c * 16, ld);
      wmma::mma_sync(acc[c], fa, fb, acc[c]);
    }
  }
}

template <int DMAX>
__global__ void __launch_bounds__(kTcThreads) forward_tc_kernel(Params p) {
  constexpr TcForwardLayout L = tc_forward_layout(DMAX);
  constexpr int LDB = ld_rows_bf16(DMAX), LDF = ld_rows_f32(DMAX);
  TRIT_DYNAMIC_SMEM(smem);
  bf16_t* q_s = reinterpret_cast<bf16_t*>(smem + L.q);
  bf16_t* k_s = reinterpret_cast<bf16_t*>(smem + L.k);
  bf16_t* v_s = reinterpret_cast<bf16_t*>(smem + L.v);
  float* s_s = reinterpret_cast<float*>(smem + L.s);
  bf16_t* p_s = reinterpret_cast<bf16_t*>(smem + L.p);
  float* o_s = reinterpret_cast<float*>(smem + L.o);

  const int64_t b = blockIdx.x / p.H, h = blockIdx.x % p.H, hk = h / (p.H / p.Hkv);
  const int64_t row0 = int64_t(blockIdx.y) * kTcRows;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int local = warp * 16 + lane / 2, half = lane % 2;  // my row in the block; even or odd columns
  const int64_t my_row = row0 + local;
  const bool row_ok = my_row < p.T;
  const int64_t row = row_ok ? my_row : p.T - 1;  // rows past T: zero q, computed, not written

  load_tile_bf16<kTcRows, DMAX>(q_s, static_cast<const bf16_t*>(p.q) + at(p.q_st, b, h, 0), p.q_st.t, row0, p.T, p.d);
  for (int i = threadIdx.x; i < kTcRows * LDF; i += blockDim.x) o_s[i] = 0.f;
  float m = -INFINITY, l = 0.f;

  const bf16_t* kp = static_cast<const bf16_t*>(p.k) + at(p.k_st, b, hk, 0);
  const bf16_t* vp = static_cast<const bf16_t*>(p.v) + at(p.v_st, b, hk, 0);
  float* s_row = s_s + local * kLdTileF32;
  bf16_t* p_row = p_s + local * kLdTileBf16;
  float* o_row = o_s + local * LDF;
  const int64_t key_end = key_end_for_rows(row0, kTcRows, p.T, p.offset);
  for (int64_t n0 = 0; n0 < key_end; n0 += kTcTile) {
    __syncthreads();  // q_s and o_s initialised; the previous K/V tile no longer read
    load_tile_bf16<kTcTile, DMAX>(k_s, kp, p.k_st.t, n0, p.S, p.d);
    load_tile_bf16<kTcTile, DMAX>(v_s, vp, p.v_st.t, n0, p.S, p.d);
    __syncthreads();
    rows_times_tile_t<DMAX>(s_s + warp * 16 * kLdTileF32, q_s + warp * 16 * LDB, k_s);
    __syncwarp();

    // Online softmax over my half of the row (even or odd columns); m_new is finite because the first tile holds
    // key 0, which every row sees.
    float tile_max = -INFINITY;
    for (int j = half; j < kTcTile; j += 2) {
      const float s = key_visible(row, n0 + j, p.offset) ? s_row[j] * p.scale : -INFINITY;
      s_row[j] = s;
      tile_max = fmaxf(tile_max, s);
    }
    tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, 1));
    const float m_new = fmaxf(m, tile_max);
    const float corr = expf(m - m_new);
    float sum = 0.f;
    for (int j = half; j < kTcTile; j += 2) {
      const float pj = expf(s_row[j] - m_new);
      p_row[j] = __float2bfloat16_rn(pj);
      sum += pj;
    }
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
    l = l * corr + sum;
    m = m_new;
    for (int c = half; c < DMAX; c += 2) o_row[c] *= corr;
    __syncwarp();

    // O += P V, with the accumulators passing through shared memory (rescaled above).
    FragC acc[DMAX / 16];
    for (int c = 0; c < DMAX / 16; ++c)
      wmma::load_matrix_sync(acc[c], o_s + warp * 16 * LDF + c * 16, LDF, wmma::mem_row_major);
    accumulate_tile_times_rows<DMAX>(acc, p_s + warp * 16 * kLdTileBf16, v_s);
    for (int c = 0; c < DMAX / 16; ++c)
      wmma::store_matrix_sync(o_s + warp * 16 * LDF + c * 16, acc[c], LDF, wmma::mem_row_major);
    __syncwarp();
  }

  if (row_ok) {
    bf16_t* out = static_cast<bf16_t*>(p.o) + at(p.o_st, b, h, row);
    for (int c = half; c < p.d; c += 2) out[c] = __float2bfloat16_rn(o_row[c] / l);
    if (half == 0) p.lse[(b * p.H + h) * p.T + row] = m + logf(l);
  }
}

template <int DMAX>
__global__ void __launch_bounds__(kTcThreads) dq_tc_kernel(Params p) {
  constexpr TcDqLayout L = tc_dq_layout(DMAX);
  constexpr int LDB = ld_rows_bf16(DMAX), LDF = ld_rows_f32(DMAX);
  TRIT_DYNAMIC_SMEM(smem);
  bf16_t* q_s = reinterpret_cast<bf16_t*>(smem + L.q);
  bf16_t* do_s = reinterpret_cast<bf16_t*>(smem + L.dout);
  bf16_t* k_s = reinterpret_cast<bf16_t*>(smem + L.k);
  bf16_t* v_s = reinterpret_cast<bf16_t*>(smem + L.v);
  float* s_s = reinterpret_cast<float*>(smem + L.s);
  float* dp_s = reinterpret_cast<float*>(smem + L.dp);
  bf16_t* ds_s = reinterpret_cast<bf16_t*>(smem + L.ds);
  float* stage = reinterpret_cast<float*>(smem + L.stage);

  const int64_t b = blockIdx.x / p.H, h = blockIdx.x % p.H, hk = h / (p.H / p.Hkv);
  const int64_t row0 = int64_t(blockIdx.y) * kTcRows;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int local = warp * 16 + lane / 2, half = lane % 2;
  const int64_t my_row = row0 + local;
  const bool row_ok = my_row < p.T;
  const int64_t row = row_ok ? my_row : p.T - 1;

  load_tile_bf16<kTcRows, DMAX>(q_s, static_cast<const bf16_t*>(p.q) + at(p.q_st, b, h, 0), p.q_st.t, row0, p.T, p.d);
  load_tile_bf16<kTcRows, DMAX>(do_s, static_cast<const bf16_t*>(p.dout) + at(p.dout_st, b, h, 0), p.dout_st.t, row0,
                                p.T, p.d);
  const int64_t stat = (b * p.H + h) * p.T + row;
  const float lse = p.lse[stat], delta = p.delta[stat];
  FragC dq[DMAX / 16];
  for (int c = 0; c < DMAX / 16; ++c) wmma::fill_fragment(dq[c], 0.f);

  const bf16_t* kp = static_cast<const bf16_t*>(p.k) + at(p.k_st, b, hk, 0);
  const bf16_t* vp = static_cast<const bf16_t*>(p.v) + at(p.v_st, b, hk, 0);
  float* s_row = s_s + local * kLdTileF32;
  float* dp_row = dp_s + local * kLdTileF32;
  bf16_t* ds_row = ds_s + local * kLdTileBf16;
  const int64_t key_end = key_end_for_rows(row0, kTcRows, p.T, p.offset);
  for (int64_t n0 = 0; n0 < key_end; n0 += kTcTile) {
    __syncthreads();
    load_tile_bf16<kTcTile, DMAX>(k_s, kp, p.k_st.t, n0, p.S, p.d);
    load_tile_bf16<kTcTile, DMAX>(v_s, vp, p.v_st.t, n0, p.S, p.d);
    __syncthreads();
    rows_times_tile_t<DMAX>(s_s + warp * 16 * kLdTileF32, q_s + warp * 16 * LDB, k_s);
    rows_times_tile_t<DMAX>(dp_s + warp * 16 * kLdTileF32, do_s + warp * 16 * LDB, v_s);
    __syncwarp();
    for (int j = half; j < kTcTile; j += 2) {
      const float pj = key_visible(row, n0 + j, p.offset) ? expf(s_row[j] * p.scale - lse) : 0.f;
      ds_row[j] = __float2bfloat16_rn(pj * (dp_row[j] - delta));
    }
    __syncwarp();
    accumulate_tile_times_rows<DMAX>(dq, ds_s + warp * 16 * kLdTileBf16, k_s);
  }

  for (int c = 0; c < DMAX / 16; ++c)
    wmma::store_matrix_sync(stage + warp * 16 * LDF + c * 16, dq[c], LDF, wmma::mem_row_major);
  __syncwarp();
  if (row_ok) {
    bf16_t* out = static_cast<bf16_t*>(p.dq) + at(p.dq_st, b, h, row);
    const float* st_row = stage + local * LDF;
    for (int c = half; c < p.d; c += 2)
      out[c] = __float2bfloat16_rn(st_row[c] * p.scale);
  }
}

template <int DMAX>
__global__ void __launch_bounds__(kTcThreads) dkdv_tc_kernel(Params p) {
  constexpr TcDkdvLayout L = tc_dkdv_layout(DMAX);
  constexpr int LDB = ld_rows_bf16(DMAX), LDF = ld_rows_f32(DMAX);
  TRIT_DYNAMIC_SMEM(smem);
  bf16_t* k_s = reinterpret_cast<bf16_t*>(smem + L.k);
  bf16_t* v_s = reinterpret_cast<bf16_t*>(smem + L.v);
  bf16_t* q_s = reinterpret_cast<bf16_t*>(smem + L.q);
  bf16_t* do_s = reinterpret_cast<bf16_t*>(smem + L.dout);
  float* st_s = reinterpret_cast<float*>(smem + L.st);
  float* dpt_s = reinterpret_cast<float*>(smem + L.dpt);
  bf16_t* pt_s = reinterpret_cast<bf16_t*>(smem + L.pt);
  bf16_t* dst_s = reinterpret_cast<bf16_t*>(smem + L.dst);
  float* lse_s = reinterpret_cast<float*>(smem + L.lse);
  float* delta_s = reinterpret_cast<float*>(smem + L.delta);
  float* stage = reinterpret_cast<float*>(smem + L.stage);

  const int64_t b = blockIdx.x / p.Hkv, hk = blockIdx.x % p.Hkv, group = p.H / p.Hkv;
  const int64_t key0 = int64_t(blockIdx.y) * kTcRows;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int local = warp * 16 + lane / 2, half = lane % 2;  // my key in the block; even or odd rows of a tile
  const int64_t my_key = key0 + local;
  const bool key_ok = my_key < p.S;
  const int64_t key = key_ok ? my_key : p.S - 1;  // keys past S: zero k and v, not written

  load_tile_bf16<kTcRows, DMAX>(k_s, static_cast<const bf16_t*>(p.k) + at(p.k_st, b, hk, 0), p.k_st.t, key0, p.S, p.d);
  load_tile_bf16<kTcRows, DMAX>(v_s, static_cast<const bf16_t*>(p.v) + at(p.v_st, b, hk, 0), p.v_st.t, key0, p.S, p.d);
  FragC dk[DMAX / 16], dv[DMAX / 16];
  for (int c = 0; c < DMAX / 16; ++c) {
    wmma::fill_fragment(dk[c], 0.f);
    wmma::fill_fragment(dv[c], 0.f);
  }

  float* st_row = st_s + local * kLdTileF32;
  float* dpt_row = dpt_s + local * kLdTileF32;
  bf16_t* pt_row = pt_s + local * kLdTileBf16;
  bf16_t* dst_row = dst_s + local * kLdTileBf16;
  const int64_t row_begin = first_row_seeing(key0, p.offset);
  for (int64_t hg = 0; hg < group; ++hg) {
    const int64_t h = hk * group + hg;
    const bf16_t* qp = static_cast<const bf16_t*>(p.q) + at(p.q_st, b, h, 0);
    const bf16_t* dop = static_cast<const bf16_t*>(p.dout) + at(p.dout_st, b, h, 0);
    const int64_t stat0 = (b * p.H + h) * p.T;
    for (int64_t m0 = row_begin; m0 < p.T; m0 += kTcTile) {
      __syncthreads();  // k_s, v_s loaded; the previous Q/dO tile no longer read
      load_tile_bf16<kTcTile, DMAX>(q_s, qp, p.q_st.t, m0, p.T, p.d);
      load_tile_bf16<kTcTile, DMAX>(do_s, dop, p.dout_st.t, m0, p.T, p.d);
      for (int i = threadIdx.x; i < kTcTile; i += blockDim.x) {
        const int64_t r = m0 + i;
        lse_s[i] = r < p.T ? p.lse[stat0 + r] : 0.f;
        delta_s[i] = r < p.T ? p.delta[stat0 + r] : 0.f;
      }
      __syncthreads();
      rows_times_tile_t<DMAX>(st_s + warp * 16 * kLdTileF32, k_s + warp * 16 * LDB, q_s);
      rows_times_tile_t<DMAX>(dpt_s + warp * 16 * kLdTileF32, v_s + warp * 16 * LDB, do_s);
      __syncwarp();
      for (int j = half; j < kTcTile; j += 2) {
        const int64_t r = m0 + j;
        const bool visible = r < p.T && key_visible(r, key, p.offset);
        const float pt = visible ? expf(st_row[j] * p.scale - lse_s[j]) : 0.f;
        pt_row[j] = __float2bfloat16_rn(pt);
        dst_row[j] = __float2bfloat16_rn(pt * (dpt_row[j] - delta_s[j]));
      }
      __syncwarp();
      accumulate_tile_times_rows<DMAX>(dv, pt_s + warp * 16 * kLdTileBf16, do_s);
      accumulate_tile_times_rows<DMAX>(dk, dst_s + warp * 16 * kLdTileBf16, q_s);
    }
  }

  const float* st = stage + local * LDF;
  for (int c = 0; c < DMAX / 16; ++c)
    wmma::store_matrix_sync(stage + warp * 16 * LDF + c * 16, dv[c], LDF, wmma::mem_row_major);
  __syncwarp();
  if (key_ok) {
    bf16_t* out = static_cast<bf16_t*>(p.dv) + at(p.dv_st, b, hk, key);
    for (int c = half; c < p.d; c += 2) out[c] = __float2bfloat16_rn(st[c]);
  }
  __syncwarp();  // dv read out before dk overwrites the stage
  for (int c = 0; c < DMAX / 16; ++c)
    wmma::store_matrix_sync(stage + warp * 16 * LDF + c * 16, dk[c], LDF, wmma::mem_row_major);
  __syncwarp();
  if (key_ok) {
    bf16_t* out = static_cast<bf16_t*>(p.dk) + at(p.dk_st, b, hk, key);
    for (int c = half; c < p.d; c += 2)
      out[c] = __float2bfloat16_rn(st[c] * p.scale);
  }
}

// Grid of the tensor-core kernels (block sizes: kTcThreads; shared memory: the layouts).
inline LaunchShape forward_tc_launch(const Params& p) {
  return {unsigned(p.B * p.H), unsigned(ceil_div(p.T, kTcRows)), unsigned(kTcThreads)};
}
inline LaunchShape dq_tc_launch(const Params& p) { return forward_tc_launch(p); }
inline LaunchShape dkdv_tc_launch(const Params& p) {
  return {unsigned(p.B * p.Hkv), unsigned(ceil_div(p.S, kTcRows)), unsigned(kTcThreads)};
}

}  // namespace trit::cuda::attn

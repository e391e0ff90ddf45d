#pragma once
// Device helpers shared by the fused attention kernels: element conversions (f32, bf16 with
// round-to-nearest-even), the shuffle sum over the lanes that share a row, and the
// cooperative tile load from global memory into float shared memory, and the kernels' Params.
// Included by attention_kernels.cuh (nvcc, and the host compiler in the emulated test).
#include <cuda_bf16.h>

#include <cmath>
#include <cstdint>

#include "trit/backend/cuda/attention.h"
#include "trit/backend/cuda/attention_tiles.h"

// Loop unrolling hints for nvcc; the host compiler (emulated test) does without them.
#if defined(__CUDACC__)
#define TRIT_UNROLL _Pragma("unroll")
#define TRIT_UNROLL_4 _Pragma("unroll 4")
#else
#define TRIT_UNROLL
#define TRIT_UNROLL_4
#endif

namespace trit::cuda::attn {

// Everything a kernel needs, passed by value (kernel parameter space). See attention.h for
// the shapes; the forward writes o and lse, the backward reads them and writes delta, dq, dk, dv.
struct Params {
  const void* q;
  const void* k;
  const void* v;
  void* o;
  const void* dout;
  float* lse;
  float* delta;
  void* dq;
  void* dk;
  void* dv;
  HeadStrides q_st, k_st, v_st, o_st, dout_st, dq_st, dk_st, dv_st;
  int64_t B, H, Hkv, T, S, offset;
  int d;  // real head dim (<= DMAX of the instantiation)
  float scale;
};

inline Params make_params(const AttentionShape& s, const AttentionInputs& in) {
  Params p{};
  p.q = in.q;
  p.k = in.k;
  p.v = in.v;
  p.q_st = in.q_st;
  p.k_st = in.k_st;
  p.v_st = in.v_st;
  p.B = s.B;
  p.H = s.H;
  p.Hkv = s.Hkv;
  p.T = s.T;
  p.S = s.S;
  p.offset = s.S - s.T;
  p.d = int(s.D);
  p.scale = s.scale;
  return p;
}

inline Params backward_params(const AttentionShape& s, const AttentionInputs& in, const AttentionGrads& g) {
  Params p = make_params(s, in);
  p.o = const_cast<void*>(g.o);  // read only in backward
  p.o_st = g.o_st;
  p.dout = g.dout;
  p.dout_st = g.dout_st;
  p.lse = const_cast<float*>(g.lse);  // read only in backward
  p.delta = g.delta;
  p.dq = g.dq;
  p.dk = g.dk;
  p.dv = g.dv;
  p.dq_st = g.dq_st;
  p.dk_st = g.dk_st;
  p.dv_st = g.dv_st;
  return p;
}

__device__ __forceinline__ float to_float(float x) { return x; }
__device__ __forceinline__ float to_float(__nv_bfloat16 x) { return __bfloat162float(x); }

template <typename T>
__device__ __forceinline__ T from_float(float x);
template <>
__device__ __forceinline__ float from_float<float>(float x) { return x; }
template <>
__device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float x) { return __float2bfloat16_rn(x); }

// Sum over the G adjacent lanes owning one row. Rows start at lane multiples of G and G
// divides 32, so xor offsets below G never leave the group. Every lane of the warp calls it.
template <int G>
__device__ __forceinline__ float group_sum(float x) {
TRIT_UNROLL
  for (int off = G / 2; off > 0; off >>= 1) x += __shfl_xor_sync(0xffffffffu, x, off);
  return x;
}

// dst[r][c] = src row (row0 + r), element c, as float; zero past n_rows or past the head dim d
// (zero padding adds nothing to dot products or accumulations).
template <typename T, int ROWS, int DMAX>
__device__ __forceinline__ void load_tile(float (*dst)[DMAX], const T* src, int64_t row_stride, int64_t row0,
                                          int64_t n_rows, int d) {
  for (int i = threadIdx.x; i < ROWS * DMAX; i += blockDim.x) {
    const int r = i / DMAX, c = i % DMAX;
    const int64_t row = row0 + r;
    dst[r][c] = (row < n_rows && c < d) ? to_float(src[row * row_stride + c]) : 0.f;
  }
}

// This lane's kSlice elements of a row in global memory (lane g holds g, g + G, ...), as float.
template <typename T, int G>
__device__ __forceinline__ void load_slice(float (&dst)[kSlice], const T* row, int g, int d, float mul = 1.f) {
TRIT_UNROLL
  for (int i = 0; i < kSlice; ++i) {
    const int c = g + G * i;
    dst[i] = c < d ? to_float(row[c]) * mul : 0.f;
  }
}

template <typename T, int G>
__device__ __forceinline__ void store_slice(T* row, const float (&src)[kSlice], int g, int d, float mul) {
TRIT_UNROLL
  for (int i = 0; i < kSlice; ++i) {
    const int c = g + G * i;
    if (c < d) row[c] = from_float<T>(src[i] * mul);
  }
}

// This lane's part of the dot product of its slice with a shared-memory row.
template <int G, int DMAX>
__device__ __forceinline__ float dot_slice(const float (&mine)[kSlice], const float* shared_row, int g) {
  float s = 0.f;
TRIT_UNROLL
  for (int i = 0; i < kSlice; ++i) s += mine[i] * shared_row[g + G * i];
  return s;
}

__device__ __forceinline__ int64_t at(const HeadStrides& st, int64_t b, int64_t h, int64_t t) {
  return b * st.b + h * st.h + t * st.t;
}

}  // namespace trit::cuda::attn

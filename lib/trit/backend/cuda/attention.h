#pragma once
// Fused causal attention on a CUDA device (FlashAttention-2 style), raw pointers in and out;
// autograd lives in ops/attention.cpp. Plain C++ header (no CUDA types), included from there.
//
// Shapes (element strides given per tensor for the batch, head and sequence dims; the head
// dim must be contiguous):
//   q, o, dout, dq [B, H, T, D];  k, v, dk, dv [B, Hkv, S, D];  lse, delta [B, H, T] float,
//   contiguous. H is a multiple of Hkv (grouped-query heads: query head h reads kv head
//   h / (H / Hkv)). offset = S - T: query t sees keys 0 ..= S - T + t.
// Element types: f32 or bf16 for q, k, v, o, dout and the gradients (all the same), float32
// accumulation everywhere; lse and delta are float. D is 1..128 (kernels for 32, 64 and 128,
// smaller dims zero-padded). float32 runs SIMT kernels (attention_kernels.cuh), exact to
// float32 rounding; bf16 runs tensor-core kernels (attention_tc_kernels.cuh) whose products
// read bf16 operands, P and dS included (rounded as FlashAttention-2 rounds them).
//
// Forward: o = softmax(scale q k^T + causal mask) v, and lse = the log-sum-exp of each row's
// scaled scores (natural log), saved for backward.
// Backward: delta = rowsum(dout * o); then P is recomputed from q, k and lse, and
//   dv = P^T dout,  ds = P * (dout v^T - delta),  dq = scale ds k,  dk = scale ds^T q.
// dq and dk/dv come from two kernels (one walks key tiles per query block, the other query
// tiles per key block), so every output element is written once: no atomics, deterministic.
// Work is issued on trit::cuda::stream(device); nothing synchronises.
#include <cstdint>

#include "trit/core/dtype.h"

namespace trit::cuda {

struct HeadStrides {
  int64_t b = 0, h = 0, t = 0;  // in elements
};

struct AttentionShape {
  int64_t B = 0, H = 0, Hkv = 0, T = 0, S = 0, D = 0;
  float scale = 0.f;
  DType dtype = DType::f32;
};

struct AttentionInputs {
  const void* q = nullptr;
  const void* k = nullptr;
  const void* v = nullptr;
  HeadStrides q_st, k_st, v_st;
};

// Checks the shape's limits (dtype, D, grid sizes); throws trit::Error naming what is wrong.
void check_attention_shape(const AttentionShape& shape);

void attention_forward(const AttentionShape& shape, const AttentionInputs& in, void* o, HeadStrides o_st,
                       float* lse, int device);

struct AttentionGrads {
  const void* o = nullptr;
  const void* dout = nullptr;
  const float* lse = nullptr;
  float* delta = nullptr;  // scratch, [B, H, T]
  void* dq = nullptr;
  void* dk = nullptr;
  void* dv = nullptr;
  HeadStrides o_st, dout_st, dq_st, dk_st, dv_st;
};

void attention_backward(const AttentionShape& shape, const AttentionInputs& in, const AttentionGrads& grads,
                        int device);

}  // namespace trit::cuda

#pragma once
// The non-matmul operations of a decoder forward at inference, on float32 rows, with the
// numerics of the training-side ops (lib/trit/ops) so results agree to float rounding:
//   rms_norm      y = x * r * w, r = float(1 / sqrt(Σx²/D + eps)) with Σx² in double
//   RopeTable     cos/sin of pos * theta^(-2i/D), angles in double, rounded to float once
//   rope_neox     pairs (i, i + D/2) of each head (rotate-half, bitnet / trit's training)
//   rope_interleaved pairs (2i, 2i + 1) (llama.cpp's NORM RoPE of the llama architecture)
//   relu2_glu     g = (g > 0 ? g * g : 0) * u
//   swiglu        g = silu(g) * u, silu(v) = v * (1 / (1 + exp(-v))) with the training side's
//                 float exp (backend/cpu/fast_exp.h)
//   attention     causal softmax(q kᵀ / sqrt(D)) v over a KV cache, tiled over keys with an
//                 online (running max) softmax, grouped-query heads.
// Shapes: T tokens; rows of d floats with a row stride.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "trit/runtime/thread_pool.h"

namespace trit::runtime {

void rms_norm(const float* x, const float* w, size_t n_rows, size_t dim, size_t stride, float eps, float* y,
              ThreadPool* pool);

class RopeTable {
 public:
  RopeTable() = default;
  RopeTable(size_t n_ctx, size_t head_dim, double theta);
  const float* cos_row(size_t pos) const { return cos_.data() + pos * half_; }
  const float* sin_row(size_t pos) const { return sin_.data() + pos * half_; }
  size_t n_ctx() const { return n_ctx_; }

 private:
  size_t n_ctx_ = 0, half_ = 0;
  std::vector<float> cos_, sin_;
};

// Rotates n_heads heads of head_dim in each of n_rows rows (row t at position pos0 + t).
void rope_neox(float* x, size_t n_rows, size_t stride, size_t n_heads, size_t head_dim, size_t pos0,
               const RopeTable& table);
void rope_interleaved(float* x, size_t n_rows, size_t stride, size_t n_heads, size_t head_dim, size_t pos0,
                      const RopeTable& table);

// g[t][j] = silu(g[t][j]) * u[t][j].
void swiglu(float* g, const float* u, size_t n_rows, size_t dim, size_t stride, ThreadPool* pool);
// g[t][j] = relu(g[t][j])^2 * u[t][j] (the relu2_glu FFN).
void relu2_glu(float* g, const float* u, size_t n_rows, size_t dim, size_t stride, ThreadPool* pool);

// One layer's cached keys and values: [n_kv_heads][capacity][head_dim] each, float32, or
// float16 (RNE; half the memory traffic of attention, as llama.cpp's default cache) when
// `half` is set (then k16/v16 are used).
struct KvLayer {
  bool half = false;
  std::vector<float> k, v;
  std::vector<uint16_t> k16, v16;

  void allocate(size_t n, bool f16) {
    half = f16;
    if (f16) {
      k16.assign(n, 0);
      v16.assign(n, 0);
    } else {
      k.assign(n, 0.0f);
      v.assign(n, 0.0f);
    }
  }
  size_t bytes() const { return (k.size() + v.size()) * 4 + (k16.size() + v16.size()) * 2; }
};

inline constexpr size_t kMaxHeadDim = 512;

struct AttentionShape {  // head_dim <= kMaxHeadDim
  size_t n_heads = 0, n_kv_heads = 0, head_dim = 0, capacity = 0;
};

// Appends k/v rows (T rows, stride kv_stride) at positions pos0.. of the cache.
void kv_append(KvLayer& cache, const AttentionShape& s, const float* k, const float* v, size_t n_rows,
               size_t kv_stride, size_t pos0);

// out[t] (n_heads * head_dim floats) for query rows q[t] at position pos0 + t, attending to
// cache positions 0..pos0 + t.
void attention(const KvLayer& cache, const AttentionShape& s, const float* q, size_t q_stride, size_t n_rows,
               size_t pos0, float* out, size_t out_stride, ThreadPool* pool);

}  // namespace trit::runtime

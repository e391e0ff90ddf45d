#include "trit/runtime/decoder_ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "trit/runtime/cpu_features.h"

#if defined(__x86_64__) || defined(_M_X64)
// GCC 12's AVX-512 intrinsics pass self-initialised _mm*_undefined_* values as merge
// sources, which -Wuninitialized flags once inlined; the values are never read.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#define TRIT_HAVE_X86_KERNELS 1
#endif

#include "trit/backend/cpu/fast_exp.h"
#include "trit/core/half.h"

namespace trit::runtime {
namespace {

template <class Fn>
void for_rows(ThreadPool* pool, size_t n, Fn&& fn) {
  if (pool == nullptr || n < 2) {
    fn(size_t(0), n, size_t(0));
  } else {
    pool->parallel_for(0, n, fn);
  }
}

constexpr size_t kKeyTile = 64;  // keys scored per tile of the online softmax

// Dot product with 32 independent partial sums, so the compiler keeps them in vector lanes
// (a single running sum is a serial dependency it may not reorder) with several independent
// chains per vector width.
__attribute__((always_inline)) inline float dot8(const float* a, const float* b, size_t n) {
  float part[32] = {};
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    for (size_t k = 0; k < 32; ++k) part[k] += a[i + k] * b[i + k];
  }
  for (size_t k = 0; k < 16; ++k) part[k] += part[k + 16];
  for (size_t k = 0; k < 8; ++k) part[k] += part[k + 8];
  float s = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

void rms_norm(const float* x, const float* w, size_t n_rows, size_t dim, size_t stride, float eps, float* y,
              ThreadPool* pool) {
  for_rows(pool, n_rows, [&](size_t b, size_t e, size_t) {
    for (size_t t = b; t < e; ++t) {
      const float* row = x + t * stride;
      double ss = 0;
      for (size_t i = 0; i < dim; ++i) ss += double(row[i]) * double(row[i]);
      const float r = float(1.0 / std::sqrt(ss / double(dim) + double(eps)));
      float* out = y + t * stride;
      for (size_t i = 0; i < dim; ++i) out[i] = row[i] * r * w[i];
    }
  });
}

RopeTable::RopeTable(size_t n_ctx, size_t head_dim, double theta)
    : n_ctx_(n_ctx), half_(head_dim / 2), cos_(n_ctx * (head_dim / 2)), sin_(n_ctx * (head_dim / 2)) {
  for (size_t p = 0; p < n_ctx; ++p) {
    for (size_t i = 0; i < half_; ++i) {
      const double angle = double(p) * std::pow(theta, -2.0 * double(i) / double(head_dim));
      cos_[p * half_ + i] = float(std::cos(angle));
      sin_[p * half_ + i] = float(std::sin(angle));
    }
  }
}

void rope_neox(float* x, size_t n_rows, size_t stride, size_t n_heads, size_t head_dim, size_t pos0,
               const RopeTable& table) {
  const size_t half = head_dim / 2;
  for (size_t t = 0; t < n_rows; ++t) {
    const float* c = table.cos_row(pos0 + t);
    const float* s = table.sin_row(pos0 + t);
    for (size_t h = 0; h < n_heads; ++h) {
      float* v = x + t * stride + h * head_dim;
      for (size_t i = 0; i < half; ++i) {
        const float a = v[i], b = v[i + half];
        v[i] = a * c[i] - b * s[i];
        v[i + half] = b * c[i] + a * s[i];
      }
    }
  }
}

void rope_interleaved(float* x, size_t n_rows, size_t stride, size_t n_heads, size_t head_dim, size_t pos0,
                      const RopeTable& table) {
  const size_t half = head_dim / 2;
  for (size_t t = 0; t < n_rows; ++t) {
    const float* c = table.cos_row(pos0 + t);
    const float* s = table.sin_row(pos0 + t);
    for (size_t h = 0; h < n_heads; ++h) {
      float* v = x + t * stride + h * head_dim;
      for (size_t i = 0; i < half; ++i) {
        const float a = v[2 * i], b = v[2 * i + 1];
        v[2 * i] = a * c[i] - b * s[i];
        v[2 * i + 1] = b * c[i] + a * s[i];
      }
    }
  }
}

void swiglu(float* g, const float* u, size_t n_rows, size_t dim, size_t stride, ThreadPool* pool) {
  for_rows(pool, n_rows, [&](size_t b, size_t e, size_t) {
    for (size_t t = b; t < e; ++t) {
      float* gr = g + t * stride;
      const float* ur = u + t * stride;
      for (size_t j = 0; j < dim; ++j) {
        const float v = gr[j];
        gr[j] = v * (1.0f / (1.0f + cpu::fast_exp(-v))) * ur[j];  // the training side's sigmoid
      }
    }
  });
}

void relu2_glu(float* g, const float* u, size_t n_rows, size_t dim, size_t stride, ThreadPool* pool) {
  for_rows(pool, n_rows, [&](size_t b, size_t e, size_t) {
    for (size_t t = b; t < e; ++t) {
      float* gr = g + t * stride;
      const float* ur = u + t * stride;
      for (size_t j = 0; j < dim; ++j) {
        const float v = gr[j];
        gr[j] = (v > 0 ? v * v : 0.0f) * ur[j];
      }
    }
  });
}

void kv_append(KvLayer& cache, const AttentionShape& s, const float* k, const float* v, size_t n_rows,
               size_t kv_stride, size_t pos0) {
  for (size_t t = 0; t < n_rows; ++t) {
    for (size_t h = 0; h < s.n_kv_heads; ++h) {
      const size_t at = (h * s.capacity + pos0 + t) * s.head_dim;
      const float* kr = k + t * kv_stride + h * s.head_dim;
      const float* vr = v + t * kv_stride + h * s.head_dim;
      if (cache.half) {
        for (size_t i = 0; i < s.head_dim; ++i) {
          cache.k16[at + i] = float_to_f16(kr[i]);
          cache.v16[at + i] = float_to_f16(vr[i]);
        }
      } else {
        std::memcpy(cache.k.data() + at, kr, s.head_dim * sizeof(float));
        std::memcpy(cache.v.data() + at, vr, s.head_dim * sizeof(float));
      }
    }
  }
}

namespace {

// The attention of one (head, query row) task; always inlined into the per-CPU-level loops
// below so the compiler vectorises dot8 and the accumulation for that level.
enum class Isa { scalar, avx2, avx512 };

// n float16 values to float32 (exact), one function per level (called once per key row).
void halves_scalar(const uint16_t* h, size_t n, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = f16_to_float(h[i]);
}
#ifdef TRIT_HAVE_X86_KERNELS
__attribute__((target("avx2,f16c"))) void halves_avx2(const uint16_t* h, size_t n, float* out) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i))));
  }
  for (; i < n; ++i) out[i] = f16_to_float(h[i]);
}
__attribute__((target("avx512f"))) void halves_avx512(const uint16_t* h, size_t n, float* out) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm512_storeu_ps(out + i, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i))));
  }
  for (; i < n; ++i) out[i] = f16_to_float(h[i]);
}
#endif

template <Isa kIsa>
__attribute__((always_inline)) inline void halves_to_floats(const uint16_t* h, size_t n, float* out) {
#ifdef TRIT_HAVE_X86_KERNELS
  if constexpr (kIsa == Isa::avx512) return halves_avx512(h, n, out);
  if constexpr (kIsa == Isa::avx2) return halves_avx2(h, n, out);
#endif
  halves_scalar(h, n, out);
}

template <Isa kIsa>
__attribute__((always_inline)) inline void attend_one(const KvLayer& cache, const AttentionShape& s,
                                                      const float* qh, size_t n_keys, size_t hk, float scale,
                                                      float* o) {
  const size_t D = s.head_dim;
  const size_t base = hk * s.capacity * D;
  float krow[kMaxHeadDim], vrow[kMaxHeadDim];
  auto key = [&](size_t j) -> const float* {
    if (!cache.half) return cache.k.data() + base + j * D;
    halves_to_floats<kIsa>(cache.k16.data() + base + j * D, D, krow);
    return krow;
  };
  auto value = [&](size_t j) -> const float* {
    if (!cache.half) return cache.v.data() + base + j * D;
    halves_to_floats<kIsa>(cache.v16.data() + base + j * D, D, vrow);
    return vrow;
  };
  float score[kKeyTile];
  float acc[kMaxHeadDim];
  float m = -INFINITY, l = 0;
  std::fill_n(acc, D, 0.0f);
  for (size_t j0 = 0; j0 < n_keys; j0 += kKeyTile) {
    const size_t nj = std::min(kKeyTile, n_keys - j0);
    float tile_max = -INFINITY;
    for (size_t j = 0; j < nj; ++j) {
      score[j] = dot8(qh, key(j0 + j), D) * scale;
      tile_max = std::max(tile_max, score[j]);
    }
    const float m_new = std::max(m, tile_max);
    const float correction = cpu::fast_exp(m - m_new);
    l *= correction;
    for (size_t i = 0; i < D; ++i) acc[i] *= correction;
    for (size_t j = 0; j < nj; ++j) {
      const float p = cpu::fast_exp(score[j] - m_new);
      l += p;
      const float* vj = value(j0 + j);
      for (size_t i = 0; i < D; ++i) acc[i] += p * vj[i];
    }
    m = m_new;
  }
  const float inv = 1.0f / l;
  for (size_t i = 0; i < D; ++i) o[i] = acc[i] * inv;
}

struct AttentionArgs {
  const KvLayer* cache;
  const AttentionShape* s;
  const float* q;
  size_t q_stride, n_rows, pos0;
  float* out;
  size_t out_stride;
};

// Tasks [b, e): task = head * n_rows + row (head-major, so that the pool's contiguous chunks
// get similar amounts of work: later rows attend to more keys).
template <Isa kIsa>
__attribute__((always_inline)) inline void attend_tasks(const AttentionArgs& a, size_t b, size_t e) {
  const AttentionShape& s = *a.s;
  const size_t group = s.n_heads / s.n_kv_heads;
  const float scale = 1.0f / std::sqrt(float(s.head_dim));
  for (size_t task = b; task < e; ++task) {
    const size_t h = task / a.n_rows, t = task % a.n_rows;
    attend_one<kIsa>(*a.cache, s, a.q + t * a.q_stride + h * s.head_dim, a.pos0 + t + 1, h / group, scale,
               a.out + t * a.out_stride + h * s.head_dim);
  }
}

void attend_tasks_scalar(const AttentionArgs& a, size_t b, size_t e) { attend_tasks<Isa::scalar>(a, b, e); }
#ifdef TRIT_HAVE_X86_KERNELS
__attribute__((target("avx2,fma,f16c"))) void attend_tasks_avx2(const AttentionArgs& a, size_t b, size_t e) {
  attend_tasks<Isa::avx2>(a, b, e);
}
__attribute__((target("avx512f,avx512bw,avx512vl,fma,f16c"))) void attend_tasks_avx512(const AttentionArgs& a,
                                                                                       size_t b, size_t e) {
  attend_tasks<Isa::avx512>(a, b, e);
}
#endif

}  // namespace

void attention(const KvLayer& cache, const AttentionShape& s, const float* q, size_t q_stride, size_t n_rows,
               size_t pos0, float* out, size_t out_stride, ThreadPool* pool) {
  const AttentionArgs args{&cache, &s, q, q_stride, n_rows, pos0, out, out_stride};
  auto kernel = attend_tasks_scalar;
#ifdef TRIT_HAVE_X86_KERNELS
  const CpuLevel level = active_cpu_level();
  if (level == CpuLevel::avx512) kernel = attend_tasks_avx512;
  if (level == CpuLevel::avx2) kernel = attend_tasks_avx2;
#endif
  for_rows(pool, n_rows * s.n_heads, [&](size_t b, size_t e, size_t) { kernel(args, b, e); });
}

}  // namespace trit::runtime

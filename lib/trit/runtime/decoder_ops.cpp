#include "trit/runtime/decoder_ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>

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

// Dot product with 8 independent partial sums, so the compiler can keep them in vector lanes
// (a single running sum is a serial dependency it may not reorder).
inline float dot8(const float* a, const float* b, size_t n) {
  float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (size_t k = 0; k < 8; ++k) part[k] += a[i + k] * b[i + k];
  }
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
        gr[j] = v * (1.0f / (1.0f + std::exp(-v))) * ur[j];
      }
    }
  });
}

void kv_append(KvLayer& cache, const AttentionShape& s, const float* k, const float* v, size_t n_rows,
               size_t kv_stride, size_t pos0) {
  for (size_t t = 0; t < n_rows; ++t) {
    for (size_t h = 0; h < s.n_kv_heads; ++h) {
      const size_t at = (h * s.capacity + pos0 + t) * s.head_dim;
      std::memcpy(cache.k.data() + at, k + t * kv_stride + h * s.head_dim, s.head_dim * sizeof(float));
      std::memcpy(cache.v.data() + at, v + t * kv_stride + h * s.head_dim, s.head_dim * sizeof(float));
    }
  }
}

void attention(const KvLayer& cache, const AttentionShape& s, const float* q, size_t q_stride, size_t n_rows,
               size_t pos0, float* out, size_t out_stride, ThreadPool* pool) {
  const size_t D = s.head_dim, group = s.n_heads / s.n_kv_heads;
  const float scale = 1.0f / std::sqrt(float(D));
  // One task per (head, query row), head-major so that the pool's contiguous chunks get
  // similar amounts of work (later rows attend to more keys).
  for_rows(pool, n_rows * s.n_heads, [&](size_t b, size_t e, size_t) {
    float score[kKeyTile];
    float acc[kMaxHeadDim];
    for (size_t task = b; task < e; ++task) {
      const size_t h = task / n_rows, t = task % n_rows, hk = h / group;
      const float* qh = q + t * q_stride + h * D;
      const float* kbase = cache.k.data() + hk * s.capacity * D;
      const float* vbase = cache.v.data() + hk * s.capacity * D;
      const size_t n_keys = pos0 + t + 1;
      float m = -INFINITY, l = 0;
      std::fill_n(acc, D, 0.0f);
      for (size_t j0 = 0; j0 < n_keys; j0 += kKeyTile) {
        const size_t nj = std::min(kKeyTile, n_keys - j0);
        float tile_max = -INFINITY;
        for (size_t j = 0; j < nj; ++j) {
          score[j] = dot8(qh, kbase + (j0 + j) * D, D) * scale;
          tile_max = std::max(tile_max, score[j]);
        }
        const float m_new = std::max(m, tile_max);
        const float correction = std::exp(m - m_new);
        l *= correction;
        for (size_t i = 0; i < D; ++i) acc[i] *= correction;
        for (size_t j = 0; j < nj; ++j) {
          const float p = std::exp(score[j] - m_new);
          l += p;
          const float* vj = vbase + (j0 + j) * D;
          for (size_t i = 0; i < D; ++i) acc[i] += p * vj[i];
        }
        m = m_new;
      }
      float* o = out + t * out_stride + h * D;
      const float inv = 1.0f / l;
      for (size_t i = 0; i < D; ++i) o[i] = acc[i] * inv;
    }
  });
}

}  // namespace trit::runtime

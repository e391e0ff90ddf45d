#pragma once
// The per-element arithmetic of the CUDA kernels as inline functions that compile for the host
// as well as the device: the kernels call them, and tests/backend/cuda/kernel_math_test.cpp
// runs them on the CPU against the CPU ops, so the formulas (and the op -> formula mapping)
// are checked on every machine, GPU or not. Float arithmetic throughout, with the CPU
// reference's rounding points. Math functions are the global C ones (::expf): trit:: has
// tensor overloads of the same names.
#include <math.h>

#include <cstdint>

#include "trit/backend/cuda/strided_desc.h"

#ifdef __CUDACC__
#define TRIT_HD __host__ __device__
#else
#define TRIT_HD
#endif

namespace trit::cuda {

enum class BinaryOp : uint8_t { add, sub, mul, div, pow, eq };
enum class UnaryOp : uint8_t { neg, exp, log, sqrt, rsqrt, abs, tanh, sigmoid, relu, relu2, silu, gelu, clamp, pow };

TRIT_HD inline float sigmoid_f(float v) { return 1.0f / (1.0f + ::expf(-v)); }

TRIT_HD inline float apply_binary(BinaryOp op, float x, float y) {
  switch (op) {
    case BinaryOp::add: return x + y;
    case BinaryOp::sub: return x - y;
    case BinaryOp::mul: return x * y;
    case BinaryOp::div: return x / y;
    case BinaryOp::pow: return ::powf(x, y);
    case BinaryOp::eq: return x == y ? 1.0f : 0.0f;
  }
  return 0.0f;
}

// pa, pb: clamp's [lo, hi]; pa: pow's exponent.
TRIT_HD inline float apply_unary(UnaryOp op, float v, float pa, float pb) {
  switch (op) {
    case UnaryOp::neg: return -v;
    case UnaryOp::exp: return ::expf(v);
    case UnaryOp::log: return ::logf(v);
    case UnaryOp::sqrt: return ::sqrtf(v);
    case UnaryOp::rsqrt: return 1.0f / ::sqrtf(v);
    case UnaryOp::abs: return ::fabsf(v);
    case UnaryOp::tanh: return ::tanhf(v);
    case UnaryOp::sigmoid: return sigmoid_f(v);
    case UnaryOp::relu: return v > 0.0f ? v : 0.0f;
    case UnaryOp::relu2: return v > 0.0f ? v * v : 0.0f;
    case UnaryOp::silu: return v * sigmoid_f(v);
    case UnaryOp::gelu: return 0.5f * v * (1.0f + ::erff(v * 0.70710678118654752f));
    case UnaryOp::clamp: return v < pa ? pa : (v > pb ? pb : v);
    case UnaryOp::pow: return ::powf(v, pa);
  }
  return 0.0f;
}

// d/dx of apply_unary from the input x, the output y and the incoming gradient g.
TRIT_HD inline float apply_unary_backward(UnaryOp op, float x, float y, float g, float pa, float pb) {
  switch (op) {
    case UnaryOp::neg: return -g;
    case UnaryOp::exp: return g * y;
    case UnaryOp::log: return g / x;
    case UnaryOp::sqrt: return g / (2.0f * y);
    case UnaryOp::rsqrt: return -0.5f * g * y * y * y;
    case UnaryOp::abs: return x > 0.0f ? g : (x < 0.0f ? -g : 0.0f);
    case UnaryOp::tanh: return g * (1.0f - y * y);
    case UnaryOp::sigmoid: return g * y * (1.0f - y);
    case UnaryOp::relu: return x > 0.0f ? g : 0.0f;
    case UnaryOp::relu2: return x > 0.0f ? 2.0f * x * g : 0.0f;
    case UnaryOp::silu: {
      const float s = sigmoid_f(x);
      return g * s * (1.0f + x * (1.0f - s));
    }
    case UnaryOp::gelu: {
      const float cdf = 0.5f * (1.0f + ::erff(x * 0.70710678118654752f));
      const float pdf = ::expf(-0.5f * x * x) * 0.3989422804014327f;
      return g * (cdf + x * pdf);
    }
    case UnaryOp::clamp: return (x >= pa && x <= pb) ? g : 0.0f;
    case UnaryOp::pow: return pa == 0.0f ? 0.0f : g * pa * ::powf(x, pa - 1.0f);
  }
  return 0.0f;
}

// Element offsets of linear index i (row-major over d.shape) in each of N operands.
template <int N>
TRIT_HD inline void strided_offsets(const StridedDesc<N>& d, int64_t i, int64_t (&off)[N]) {
  for (int k = 0; k < N; ++k) off[k] = 0;
  for (int dim = d.ndim - 1; dim >= 0; --dim) {
    const int64_t c = i % d.shape[dim];
    i /= d.shape[dim];
    for (int k = 0; k < N; ++k) off[k] += c * d.strides[k][dim];
  }
}

// Row gather [outer, n, inner] <- [outer, size, inner]: the source element of output element i.
TRIT_HD inline int64_t select_source(int64_t i, const int32_t* index, int64_t size, int64_t inner, int64_t n) {
  const int64_t c = i % inner, rj = i / inner, j = rj % n, o = rj / n;
  return (o * size + int64_t(index[j])) * inner + c;
}

// Gather along `dim` (and the max/gather backward scatter): for element i of a contiguous
// tensor shaped like `d.shape` (the index's shape), the offset in a tensor with strides
// d.strides[0] of the element whose coordinate along dim is index[i] and elsewhere i's own.
TRIT_HD inline int64_t gather_offset(const StridedDesc<1>& d, int dim, const int32_t* index, int64_t i) {
  int64_t rest = i, off = 0;
  for (int k = d.ndim - 1; k >= 0; --k) {
    const int64_t c = rest % d.shape[k];
    rest /= d.shape[k];
    off += (k == dim ? int64_t(index[i]) : c) * d.strides[0][k];
  }
  return off;
}

// The BitNet quantizers per element, given the scale (ops/quant.cpp): round half to even.
TRIT_HD inline float ternary_quant(float w, float s) { return ::fminf(::fmaxf(::rintf(w * s), -1.0f), 1.0f) / s; }
TRIT_HD inline float ternary_scale_from_mean(float mean) { return 1.0f / ::fmaxf(mean, 1e-5f); }
TRIT_HD inline float int8_scale_from_absmax(float m) { return 127.0f / ::fmaxf(m, 1e-5f); }
TRIT_HD inline float int8_quant(float x, float s) { return ::fminf(::fmaxf(::rintf(x * s), -128.0f), 127.0f) / s; }

// One RoPE pair (a = x[i], b = x[i + D/2]) rotated by cos c and (signed) sin s.
TRIT_HD inline void rope_pair(float a, float b, float c, float s, float& out_a, float& out_b) {
  out_a = a * c - b * s;
  out_b = b * c + a * s;
}

// The cos and (direction-signed) sin of position t, frequency index i, head dim d: in double,
// rounded to float once (ops/rope.cpp).
TRIT_HD inline void rope_angle(int64_t t, int64_t i, int64_t d, double theta, double direction, float& c, float& s) {
  const double angle = double(t) * ::pow(theta, -2.0 * double(i) / double(d));
  c = float(::cos(angle));
  s = float(direction * ::sin(angle));
}

// d loss / d logit for one element of a valid row: ::exp(x - lse) scale, minus scale at the target.
TRIT_HD inline float cross_entropy_grad(float x, double lse, double scale, bool is_target) {
  const float p = float(::exp(double(x) - lse) * scale);
  return is_target ? p - float(scale) : p;
}

// The AdamW update of one element (optim/adamw.cpp's order and rounding).
struct AdamWCoeffs {
  float b1, b2, w1, w2, decay, step_size, sqrt_bc2, eps;
  bool lerp_from_start;  // torch's lerp: m + w (g - m) for w < 0.5, else g - (g - m)(1 - w)
};

// Host side: the float coefficients from AdamW's double hyperparameters of this step.
inline AdamWCoeffs adamw_coeffs(double beta1, double beta2, double eps, double decay_factor, double step_size,
                                double sqrt_bc2) {
  AdamWCoeffs c;
  c.b1 = float(beta1);
  c.b2 = float(beta2);
  c.w1 = float(1.0 - beta1);
  c.w2 = float(1.0 - beta2);
  c.decay = float(decay_factor);
  c.step_size = float(step_size);
  c.sqrt_bc2 = float(sqrt_bc2);
  c.eps = float(eps);
  c.lerp_from_start = 1.0 - beta1 < 0.5;
  return c;
}

TRIT_HD inline void adamw_element(float& p, float g, float& m, float& v, const AdamWCoeffs& c) {
  const float mi = c.lerp_from_start ? m + c.w1 * (g - m) : g - (g - m) * c.b1;
  const float vi = v * c.b2 + c.w2 * g * g;
  m = mi;
  v = vi;
  const float denom = ::sqrtf(vi) / c.sqrt_bc2 + c.eps;
  p = p * c.decay - c.step_size * (mi / denom);
}

}  // namespace trit::cuda

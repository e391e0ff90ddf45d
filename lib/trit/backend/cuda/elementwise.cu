// Elementwise kernels (see elementwise.h): one grid-stride kernel per shape of op (binary,
// unary, unary backward, in place), the op chosen by a switch that is uniform across the grid.
#include "trit/backend/cuda/elementwise.h"

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/device_utils.cuh"
#include "trit/backend/cuda/tensor_access.h"

namespace trit::cuda {
namespace {

__device__ inline float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

__device__ inline float apply_binary(BinaryOp op, float x, float y) {
  switch (op) {
    case BinaryOp::add: return x + y;
    case BinaryOp::sub: return x - y;
    case BinaryOp::mul: return x * y;
    case BinaryOp::div: return x / y;
    case BinaryOp::pow: return powf(x, y);
    case BinaryOp::eq: return x == y ? 1.0f : 0.0f;
  }
  return 0.0f;
}

__device__ inline float apply_unary(UnaryOp op, float v, float pa, float pb) {
  switch (op) {
    case UnaryOp::neg: return -v;
    case UnaryOp::exp: return expf(v);
    case UnaryOp::log: return logf(v);
    case UnaryOp::sqrt: return sqrtf(v);
    case UnaryOp::rsqrt: return 1.0f / sqrtf(v);
    case UnaryOp::abs: return fabsf(v);
    case UnaryOp::tanh: return tanhf(v);
    case UnaryOp::sigmoid: return sigmoidf(v);
    case UnaryOp::relu: return v > 0.0f ? v : 0.0f;
    case UnaryOp::relu2: return v > 0.0f ? v * v : 0.0f;
    case UnaryOp::silu: return v * sigmoidf(v);
    case UnaryOp::gelu: return 0.5f * v * (1.0f + erff(v * float(M_SQRT1_2)));
    case UnaryOp::clamp: return v < pa ? pa : (v > pb ? pb : v);
    case UnaryOp::pow: return powf(v, pa);
  }
  return 0.0f;
}

// d/dx of apply_unary given the input x, output y and incoming gradient g.
__device__ inline float apply_unary_backward(UnaryOp op, float x, float y, float g, float pa, float pb) {
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
      const float s = sigmoidf(x);
      return g * s * (1.0f + x * (1.0f - s));
    }
    case UnaryOp::gelu: {
      const float cdf = 0.5f * (1.0f + erff(x * float(M_SQRT1_2)));
      const float pdf = expf(-0.5f * x * x) * 0.3989422804014327f;
      return g * (cdf + x * pdf);
    }
    case UnaryOp::clamp: return (x >= pa && x <= pb) ? g : 0.0f;
    case UnaryOp::pow: return pa == 0.0f ? 0.0f : g * pa * powf(x, pa - 1.0f);
  }
  return 0.0f;
}

template <typename T>
__global__ void binary_kernel(BinaryOp op, const T* a, const T* b, T* out, StridedDesc<2> d, int64_t n) {
  TRIT_GRID_STRIDE(i, n) {
    int64_t off[2];
    strided_offsets(d, i, off);
    out[i] = from_float<T>(apply_binary(op, to_float(a[off[0]]), to_float(b[off[1]])));
  }
}

template <typename T>
__global__ void unary_kernel(UnaryOp op, const T* x, T* out, StridedDesc<1> d, int64_t n, float pa, float pb) {
  TRIT_GRID_STRIDE(i, n) {
    int64_t off[1];
    strided_offsets(d, i, off);
    out[i] = from_float<T>(apply_unary(op, to_float(x[off[0]]), pa, pb));
  }
}

template <typename T>
__global__ void unary_backward_kernel(UnaryOp op, const T* x, const T* y, const T* g, T* dx, int64_t n, float pa,
                                      float pb) {
  TRIT_GRID_STRIDE(i, n) {
    dx[i] = from_float<T>(apply_unary_backward(op, to_float(x[i]), to_float(y[i]), to_float(g[i]), pa, pb));
  }
}

template <typename T>
__global__ void axpy_kernel(T* a, const T* b, float alpha, StridedDesc<2> d, int64_t n) {
  TRIT_GRID_STRIDE(i, n) {
    int64_t off[2];
    strided_offsets(d, i, off);
    a[off[0]] = from_float<T>(to_float(a[off[0]]) + alpha * to_float(b[off[1]]));
  }
}

template <typename T>
__global__ void scale_kernel(T* a, float s, StridedDesc<1> d, int64_t n) {
  TRIT_GRID_STRIDE(i, n) {
    int64_t off[1];
    strided_offsets(d, i, off);
    a[off[0]] = from_float<T>(to_float(a[off[0]]) * s);
  }
}

// Calls fn(T{}) with T the device storage type of an f32 or bf16 tensor.
template <typename Fn>
void visit_storage(DType d, const char* op, Fn&& fn) {
  if (d == DType::f32) return fn(float{});
  if (d == DType::bf16) return fn(__nv_bfloat16{});
  fail(op, ": the CUDA kernel takes f32 or bf16 tensors, got ", dtype_name(d));
}

template <typename T>
T* ptr(const Tensor& t) {
  return static_cast<T*>(storage_ptr(t));
}

}  // namespace

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, const char* name) {
  TRIT_CHECK(a.dtype() == b.dtype(), name, ": dtypes differ (", dtype_name(a.dtype()), " and ", dtype_name(b.dtype()),
             "); convert one with to()");
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), name);
  Tensor out = Tensor::empty(shape, a.dtype(), a.device());
  const int64_t n = out.numel();
  if (n == 0) return out;
  const Strides sa = broadcast_strides(a.shape(), a.strides(), shape);
  const Strides sb = broadcast_strides(b.shape(), b.strides(), shape);
  // Merging dims needs the output's strides too only for the output's (contiguous) order;
  // the kernel writes out[i] for the linear index i, so a and b are walked in that order.
  const StridedDesc<2> d = make_strided_desc<2>(shape, {&sa, &sb}, name);
  cudaStream_t s = stream(a.device().index);
  visit_storage(a.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    binary_kernel<T><<<grid_for(n), kThreads, 0, s>>>(op, ptr<const T>(a), ptr<const T>(b), ptr<T>(out), d, n);
  });
  TRIT_CUDA_CHECK_LAUNCH();
  return out;
}

Tensor unary(UnaryOp op, const Tensor& x, UnaryParams p, const char* name) {
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  const int64_t n = out.numel();
  if (n == 0) return out;
  const StridedDesc<1> d = make_strided_desc<1>(x.shape(), {&x.strides()}, name);
  cudaStream_t s = stream(x.device().index);
  visit_storage(x.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    unary_kernel<T><<<grid_for(n), kThreads, 0, s>>>(op, ptr<const T>(x), ptr<T>(out), d, n, float(p.a), float(p.b));
  });
  TRIT_CUDA_CHECK_LAUNCH();
  return out;
}

Tensor unary_backward(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& g, UnaryParams p, const char* name) {
  TRIT_CHECK(x.is_contiguous() && y.is_contiguous() && g.is_contiguous(), name, ": internal: backward inputs must be contiguous");
  TRIT_CHECK(x.dtype() == g.dtype() && y.dtype() == g.dtype(), name, ": gradient dtype ", dtype_name(g.dtype()),
             " differs from the input's ", dtype_name(x.dtype()));
  Tensor dx = Tensor::empty(g.shape(), g.dtype(), g.device());
  const int64_t n = dx.numel();
  if (n == 0) return dx;
  cudaStream_t s = stream(g.device().index);
  visit_storage(g.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    unary_backward_kernel<T><<<grid_for(n), kThreads, 0, s>>>(op, ptr<const T>(x), ptr<const T>(y), ptr<const T>(g),
                                                                ptr<T>(dx), n, float(p.a), float(p.b));
  });
  TRIT_CUDA_CHECK_LAUNCH();
  return dx;
}

void add_inplace(Tensor& a, const Tensor& b, double alpha) {
  TRIT_CHECK(a.dtype() == b.dtype(), "add_: dtypes differ (", dtype_name(a.dtype()), " and ", dtype_name(b.dtype()), ")");
  const int64_t n = a.numel();
  if (n == 0) return;
  const Strides sb = broadcast_strides(b.shape(), b.strides(), a.shape());
  const StridedDesc<2> d = make_strided_desc<2>(a.shape(), {&a.strides(), &sb}, "add_");
  cudaStream_t s = stream(a.device().index);
  visit_storage(a.dtype(), "add_", [&](auto tag) {
    using T = decltype(tag);
    axpy_kernel<T><<<grid_for(n), kThreads, 0, s>>>(ptr<T>(a), ptr<const T>(b), float(alpha), d, n);
  });
  TRIT_CUDA_CHECK_LAUNCH();
}

void scale_inplace(Tensor& a, double scale) {
  const int64_t n = a.numel();
  if (n == 0) return;
  const StridedDesc<1> d = make_strided_desc<1>(a.shape(), {&a.strides()}, "mul_");
  cudaStream_t s = stream(a.device().index);
  visit_storage(a.dtype(), "mul_", [&](auto tag) {
    using T = decltype(tag);
    scale_kernel<T><<<grid_for(n), kThreads, 0, s>>>(ptr<T>(a), float(scale), d, n);
  });
  TRIT_CUDA_CHECK_LAUNCH();
}

}  // namespace trit::cuda

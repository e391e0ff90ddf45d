// Elementwise kernels (see elementwise.h): one grid-stride kernel per shape of op (binary,
// unary, unary backward, in place), the op chosen by a switch that is uniform across the grid;
// the formulas are kernel_math.h's, checked on the CPU.
#include "trit/backend/cuda/elementwise.h"

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/device_utils.cuh"
#include "trit/backend/cuda/tensor_access.h"

namespace trit::cuda {
namespace {

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

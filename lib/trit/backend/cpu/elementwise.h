#pragma once
// Elementwise CPU kernels as templates over a scalar functor. Inputs are float tensors of one
// dtype (f32 or f64); results are new contiguous tensors. Broadcasting reads inputs through
// stride-0 dims; nothing is materialised.
#include "trit/backend/cpu/strided.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/core/tensor.h"

namespace trit::cpu {

// Strides of `t` seen with `shape` (t's shape broadcast to it): 0 where t is broadcast.
Strides broadcast_strides(const Tensor& t, const Shape& shape);

template <typename F>
Tensor map_unary(const Tensor& x, const char* op, F f) {
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  visit_float(x.dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    const T* xp = x.data<T>();
    T* op_ = out.data<T>();
    for_each_strided<2>(x.shape(), {&x.strides(), &out.strides()},
                        [&](const int64_t* off, int64_t n, const int64_t* st) {
      const T* a = xp + off[0];
      T* o = op_ + off[1];
      if (st[0] == 1 && st[1] == 1) {
        for (int64_t i = 0; i < n; ++i) o[i] = f(a[i]);
      } else {
        for (int64_t i = 0; i < n; ++i) o[i * st[1]] = f(a[i * st[0]]);
      }
    });
  });
  return out;
}

template <typename F>
Tensor map_binary(const Tensor& a, const Tensor& b, const char* op, F f) {
  TRIT_CHECK(a.dtype() == b.dtype(), op, ": dtypes differ (", dtype_name(a.dtype()), " and ",
             dtype_name(b.dtype()), "); convert one with to()");
  TRIT_CHECK(a.device() == b.device(), op, ": tensors on ", a.device().str(), " and ", b.device().str());
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
  Tensor out = Tensor::empty(shape, a.dtype());
  const Strides sa = broadcast_strides(a, shape), sb = broadcast_strides(b, shape);
  visit_float(a.dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    const T* ap = a.data<T>();
    const T* bp = b.data<T>();
    T* op_ = out.data<T>();
    for_each_strided<3>(shape, {&sa, &sb, &out.strides()},
                        [&](const int64_t* off, int64_t n, const int64_t* st) {
      const T* x = ap + off[0];
      const T* y = bp + off[1];
      T* o = op_ + off[2];
      if (st[0] == 1 && st[1] == 1 && st[2] == 1) {
        for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
      } else if (st[0] == 1 && st[1] == 0 && st[2] == 1) {
        const T yv = y[0];
        for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], yv);
      } else {
        for (int64_t i = 0; i < n; ++i) o[i * st[2]] = f(x[i * st[0]], y[i * st[1]]);
      }
    });
  });
  return out;
}

}  // namespace trit::cpu

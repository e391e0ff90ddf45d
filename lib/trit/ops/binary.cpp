// add, sub, mul, div, pow with broadcasting. Backward sums each gradient over the dims its
// input was broadcast along (sum_to_shape).
#include "trit/ops/binary.h"

#include <cmath>

#include "trit/autograd/node.h"
#include "trit/backend/cpu/copy.h"
#include "trit/backend/cpu/elementwise.h"
#include "trit/backend/cuda/copy.h"
#include "trit/backend/cuda/elementwise.h"
#include "trit/backend/cuda/tensor_access.h"
#include "trit/ops/unary.h"
#include "trit/ops/view.h"

namespace trit {

Tensor scalar_like(double v, const Tensor& like) { return Tensor::full({}, v, like.dtype(), like.device()); }

namespace {

// The forward of a binary op on its operands' device (CUDA kernels include the CPU formula
// `f` of each op; see backend/cuda/elementwise.cu).
template <typename F>
Tensor binary_forward(const Tensor& a, const Tensor& b, const char* name, [[maybe_unused]] cuda::BinaryOp op, F f) {
  check_same_device(name, {a.device(), b.device()});
#if TRIT_HAVE_CUDA
  if (a.device().is_cuda()) return cuda::binary(op, a, b, name);
#endif
  return cpu::map_binary(a, b, name, f);
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward(a, b, "add", cuda::BinaryOp::add, [](auto x, auto y) { return x + y; });
  if (needs_grad({a, b})) {
    record("add", out, {a, b}, [sa = a.shape(), sb = b.shape()](const Tensor& g) {
      return std::vector<Tensor>{sum_to_shape(g, sa), sum_to_shape(g, sb)};
    });
  }
  return out;
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward(a, b, "sub", cuda::BinaryOp::sub, [](auto x, auto y) { return x - y; });
  if (needs_grad({a, b})) {
    record("sub", out, {a, b}, [sa = a.shape(), sb = b.shape(), gb = b.requires_grad()](const Tensor& g) {
      return std::vector<Tensor>{sum_to_shape(g, sa), gb ? sum_to_shape(neg(g), sb) : Tensor()};
    });
  }
  return out;
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward(a, b, "mul", cuda::BinaryOp::mul, [](auto x, auto y) { return x * y; });
  if (needs_grad({a, b})) {
    const bool ga = a.requires_grad(), gb = b.requires_grad();
    record("mul", out, {a, b},
           [sa = SavedTensor(gb ? a : Tensor(), "mul"), sb = SavedTensor(ga ? b : Tensor(), "mul"),
            shape_a = a.shape(), shape_b = b.shape()](const Tensor& g) {
      return std::vector<Tensor>{sb.get().defined() ? sum_to_shape(g * sb.get(), shape_a) : Tensor(),
                                 sa.get().defined() ? sum_to_shape(g * sa.get(), shape_b) : Tensor()};
    });
  }
  return out;
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward(a, b, "div", cuda::BinaryOp::div, [](auto x, auto y) { return x / y; });
  if (needs_grad({a, b})) {
    const bool gb = b.requires_grad();
    record("div", out, {a, b},
           [sb = SavedTensor(b, "div"), so = SavedTensor(gb ? out.detach() : Tensor(), "div"),
            shape_a = a.shape(), shape_b = b.shape()](const Tensor& g) {
      const Tensor& bv = sb.get();
      const Tensor ga = sum_to_shape(g / bv, shape_a);
      // d(a/b)/db = -(a/b)/b
      Tensor gbv = so.get().defined() ? sum_to_shape(neg(g * so.get() / bv), shape_b) : Tensor();
      return std::vector<Tensor>{ga, gbv};
    });
  }
  return out;
}

Tensor pow(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward(a, b, "pow", cuda::BinaryOp::pow, [](auto x, auto y) { return decltype(x)(std::pow(x, y)); });
  if (needs_grad({a, b})) {
    const bool gb = b.requires_grad();
    record("pow", out, {a, b},
           [sa = SavedTensor(a, "pow"), sb = SavedTensor(b, "pow"), so = SavedTensor(out.detach(), "pow"),
            gb, shape_a = a.shape(), shape_b = b.shape()](const Tensor& g) {
      const Tensor& x = sa.get();
      const Tensor& y = sb.get();
      // d/da = b * a^(b-1); d/db = a^b * log(a)
      const Tensor ga = sum_to_shape(g * y * pow(x, y - 1.0), shape_a);
      Tensor gbv = gb ? sum_to_shape(g * so.get() * log(x), shape_b) : Tensor();
      return std::vector<Tensor>{ga, gbv};
    });
  }
  return out;
}

void check_inplace(const Tensor& t, const char* op) {
  TRIT_CHECK(!(GradMode::enabled() && t.requires_grad()), op, ": in-place change of tensor", t.name_suffix(),
             " that requires grad while autograd is recording; wrap it in NoGradGuard");
}

Tensor& add_(Tensor& a, const Tensor& b, double alpha) {
  check_inplace(a, "add_");
  TRIT_CHECK(a.dtype() == b.dtype(), "add_: dtypes differ (", dtype_name(a.dtype()), " and ", dtype_name(b.dtype()), ")");
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), "add_");
  TRIT_CHECK(shape == a.shape(), "add_: cannot broadcast ", shape_str(b.shape()), " into ", shape_str(a.shape()));
  check_same_device("add_", {a.device(), b.device()});
#if TRIT_HAVE_CUDA
  if (a.device().is_cuda()) {
    cuda::add_inplace(a, b, alpha);
    a.storage()->bump_version();
    return a;
  }
#endif
  const Strides sb = cpu::broadcast_strides(b, shape);
  visit_float(a.dtype(), "add_", [&](auto tag) {
    using T = decltype(tag);
    T* ap = a.data<T>();
    const T* bp = b.data<T>();
    const T al = T(alpha);
    cpu::for_each_strided<2>(shape, {&a.strides(), &sb}, [&](const int64_t* off, int64_t n, const int64_t* st) {
      for (int64_t i = 0; i < n; ++i) ap[off[0] + i * st[0]] += al * bp[off[1] + i * st[1]];
    });
  });
  a.storage()->bump_version();
  return a;
}

Tensor& mul_(Tensor& a, double s) {
  check_inplace(a, "mul_");
#if TRIT_HAVE_CUDA
  if (a.device().is_cuda()) {
    cuda::scale_inplace(a, s);
    a.storage()->bump_version();
    return a;
  }
#endif
  visit_float(a.dtype(), "mul_", [&](auto tag) {
    using T = decltype(tag);
    T* ap = a.data<T>();
    const T sv = T(s);
    cpu::for_each_strided<1>(a.shape(), {&a.strides()}, [&](const int64_t* off, int64_t n, const int64_t* st) {
      for (int64_t i = 0; i < n; ++i) ap[off[0] + i * st[0]] *= sv;
    });
  });
  a.storage()->bump_version();
  return a;
}

Tensor& copy_(Tensor& dst, const Tensor& src) {
  check_inplace(dst, "copy_");
  const Shape shape = broadcast_shapes(dst.shape(), src.shape(), "copy_");
  TRIT_CHECK(shape == dst.shape(), "copy_: cannot broadcast ", shape_str(src.shape()), " into ", shape_str(dst.shape()));
  if (src.device() != dst.device()) {
    // Between devices: bring src over (contiguous, same dtype), then copy on dst's device.
    copy_(dst, src.detach().to(dst.device()));
    return dst;
  }
#if TRIT_HAVE_CUDA
  if (dst.device().is_cuda()) {
    cuda::copy_strided(cuda::storage_ptr(src), src.dtype(), cpu::broadcast_strides(src, shape), cuda::storage_ptr(dst),
                       dst.dtype(), dst.strides(), shape, dst.device().index);
    dst.storage()->bump_version();
    return dst;
  }
#endif
  cpu::copy_strided(src.raw_data(), src.dtype(), cpu::broadcast_strides(src, shape), dst.raw_data(), dst.dtype(),
                    dst.strides(), shape);
  dst.storage()->bump_version();
  return dst;
}

Tensor& fill_(Tensor& t, double v) {
  check_inplace(t, "fill_");
#if TRIT_HAVE_CUDA
  if (t.device().is_cuda()) {
    cuda::fill(cuda::storage_ptr(t), t.dtype(), t.strides(), t.shape(), v, t.device().index);
    t.storage()->bump_version();
    return t;
  }
#endif
  cpu::fill(t.raw_data(), t.dtype(), t.strides(), t.shape(), v);
  t.storage()->bump_version();
  return t;
}

}  // namespace trit

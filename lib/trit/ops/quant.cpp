// BitNet b1.58 fake quantizers with straight-through gradients (see quant.h for the rules).
// The arithmetic mirrors the reference PyTorch code in float: scale computed in the tensor's
// dtype, round half to even (nearbyint under the default rounding mode), then dequantize.
#include "trit/ops/quant.h"

#include <algorithm>
#include <cmath>

#include "trit/autograd/node.h"
#include "trit/backend/cuda/quant.h"
#include "trit/core/abs_sum.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/core/parallel.h"
#include "trit/ops/matmul.h"
#include "trit/ops/view.h"

namespace trit {
namespace {

template <typename T>
T ternary_scale(const T* w, int64_t n) {
  const T mean = T(abs_sum(w, n) / double(std::max<int64_t>(n, 1)));
  return T(1) / std::max(mean, T(1e-5));
}

template <typename T>
T act_scale(const T* x, int64_t n) {
  T m = 0;
  for (int64_t i = 0; i < n; ++i) m = std::max(m, std::abs(x[i]));
  return T(127) / std::max(m, T(1e-5));
}

void identity_backward(const char* name, Tensor& out, const Tensor& in) {
  if (needs_grad({in})) record(name, out, {in}, [](const Tensor& g) { return std::vector<Tensor>{g}; });
}

}  // namespace

double ternary_weight_scale(const Tensor& w) {
  const Tensor wc = contiguous(w.detach());
#if TRIT_HAVE_CUDA
  if (w.device().is_cuda()) return cuda::ternary_weight_scale(wc).item();
#endif
  return visit_float(w.dtype(), "ternary_weight_scale", [&](auto tag) {
    using T = decltype(tag);
    return double(ternary_scale(wc.data<T>(), wc.numel()));
  });
}

Tensor int8_act_scales(const Tensor& x) {
  const Tensor xc = contiguous(x.detach());
#if TRIT_HAVE_CUDA
  if (x.device().is_cuda()) return cuda::int8_act_scales(xc);
#endif
  const int64_t D = x.size(-1), R = D ? x.numel() / D : 0;
  Shape shape = x.shape();
  shape.back() = 1;
  Tensor s = Tensor::empty(shape, x.dtype());
  visit_float(x.dtype(), "int8_act_scales", [&](auto tag) {
    using T = decltype(tag);
    const T* xp = xc.data<T>();
    T* sp = s.data<T>();
    for (int64_t r = 0; r < R; ++r) sp[r] = act_scale(xp + r * D, D);
  });
  return s;
}

Tensor weight_quant_ternary(const Tensor& w) {
  const Tensor wc = contiguous(w.detach());
#if TRIT_HAVE_CUDA
  if (w.device().is_cuda()) {
    Tensor out = cuda::weight_quant_ternary(wc);
    identity_backward("weight_quant_ternary", out, w);
    return out;
  }
#endif
  Tensor out = Tensor::empty(w.shape(), w.dtype());
  visit_float(w.dtype(), "weight_quant_ternary", [&](auto tag) {
    using T = decltype(tag);
    const T* wp = wc.data<T>();
    T* op = out.data<T>();
    const T s = ternary_scale(wp, wc.numel());
    parallel_for(wc.numel(), 16384, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) op[i] = std::clamp(std::nearbyint(wp[i] * s), T(-1), T(1)) / s;
    });
  });
  identity_backward("weight_quant_ternary", out, w);
  return out;
}

Tensor act_quant_int8(const Tensor& x) {
  const Tensor xc = contiguous(x.detach());
#if TRIT_HAVE_CUDA
  if (x.device().is_cuda()) {
    Tensor out = cuda::act_quant_int8(xc);
    identity_backward("act_quant_int8", out, x);
    return out;
  }
#endif
  const int64_t D = x.size(-1), R = D ? x.numel() / D : 0;
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  visit_float(x.dtype(), "act_quant_int8", [&](auto tag) {
    using T = decltype(tag);
    const T* xp = xc.data<T>();
    T* op = out.data<T>();
    parallel_for(R, std::max<int64_t>(1, 4096 / std::max<int64_t>(D, 1)), [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const T* row = xp + r * D;
        const T s = act_scale(row, D);
        for (int64_t i = 0; i < D; ++i) op[r * D + i] = std::clamp(std::nearbyint(row[i] * s), T(-128), T(127)) / s;
      }
    });
  });
  identity_backward("act_quant_int8", out, x);
  return out;
}

Tensor bitlinear(const Tensor& x, const Tensor& w) { return linear(act_quant_int8(x), weight_quant_ternary(w)); }

}  // namespace trit

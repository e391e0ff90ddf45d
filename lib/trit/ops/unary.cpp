// Unary ops: forward f(x) and its derivative side by side. Backward reads the saved input x
// and/or output y (whichever the derivative is cheapest in) and the incoming gradient g.
#include "trit/ops/unary.h"

#include <cmath>

#include "trit/autograd/node.h"
#include "trit/backend/cpu/elementwise.h"
#include "trit/backend/cpu/fast_exp.h"
#include "trit/backend/cuda/elementwise.h"

namespace trit {
namespace {

// `op` and `p` name the same function for the CUDA kernels (backend/cuda/elementwise.cu).
template <typename Fwd, typename Bwd>
Tensor unary_op(const char* name, const Tensor& x, [[maybe_unused]] cuda::UnaryOp op,
                [[maybe_unused]] cuda::UnaryParams p, Fwd fwd, Bwd bwd) {
#if TRIT_HAVE_CUDA
  Tensor y = x.device().is_cuda() ? cuda::unary(op, x, p, name) : cpu::map_unary(x, name, fwd);
#else
  Tensor y = cpu::map_unary(x, name, fwd);
#endif
  if (needs_grad({x})) {
    // bwd(x, y, g): the saved input and output give the local derivative.
    record(name, y, {x}, [name, sx = SavedTensor(x, name), sy = SavedTensor(y.detach(), name), bwd, op, p](const Tensor& g) {
      const Tensor& xv = sx.get();
      const Tensor& yv = sy.get();
      check_same_device(name, {xv.device(), g.device()});
#if TRIT_HAVE_CUDA
      if (g.device().is_cuda())
        return std::vector<Tensor>{cuda::unary_backward(op, xv.contiguous(), yv.contiguous(), g.contiguous(), p, name)};
#endif
      Tensor out = Tensor::empty(g.shape(), g.dtype());
      visit_float(g.dtype(), name, [&](auto tag) {
        using T = decltype(tag);
        const Tensor xc = xv.contiguous(), yc = yv.contiguous(), gc = g.contiguous();
        const T* xp = xc.data<T>();
        const T* yp = yc.data<T>();
        const T* gp = gc.data<T>();
        T* op = out.data<T>();
        parallel_for(out.numel(), 16384, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) op[i] = bwd(xp[i], yp[i], gp[i]);
        });
      });
      return std::vector<Tensor>{out};
    });
  }
  return y;
}

template <typename T>
T sigmoid_of(T x) {
  return T(1) / (T(1) + cpu::fast_exp(-x));
}

}  // namespace

Tensor neg(const Tensor& x) {
  return unary_op("neg", x, cuda::UnaryOp::neg, {}, [](auto v) { return -v; }, [](auto, auto, auto g) { return -g; });
}
Tensor exp(const Tensor& x) {
  return unary_op("exp", x, cuda::UnaryOp::exp, {}, [](auto v) { return std::exp(v); }, [](auto, auto y, auto g) { return g * y; });
}
Tensor log(const Tensor& x) {
  return unary_op("log", x, cuda::UnaryOp::log, {}, [](auto v) { return std::log(v); }, [](auto v, auto, auto g) { return g / v; });
}
Tensor sqrt(const Tensor& x) {
  return unary_op("sqrt", x, cuda::UnaryOp::sqrt, {}, [](auto v) { return std::sqrt(v); },
                  [](auto, auto y, auto g) { return g / (decltype(g)(2) * y); });
}
Tensor rsqrt(const Tensor& x) {
  return unary_op("rsqrt", x, cuda::UnaryOp::rsqrt, {}, [](auto v) { return decltype(v)(1) / std::sqrt(v); },
                  [](auto, auto y, auto g) { return decltype(g)(-0.5) * g * y * y * y; });
}
Tensor abs(const Tensor& x) {
  return unary_op("abs", x, cuda::UnaryOp::abs, {}, [](auto v) { return std::abs(v); },
                  [](auto v, auto, auto g) { return v > 0 ? g : (v < 0 ? -g : decltype(g)(0)); });
}
Tensor tanh(const Tensor& x) {
  return unary_op("tanh", x, cuda::UnaryOp::tanh, {}, [](auto v) { return std::tanh(v); },
                  [](auto, auto y, auto g) { return g * (decltype(g)(1) - y * y); });
}
Tensor sigmoid(const Tensor& x) {
  return unary_op("sigmoid", x, cuda::UnaryOp::sigmoid, {}, [](auto v) { return sigmoid_of(v); },
                  [](auto, auto y, auto g) { return g * y * (decltype(g)(1) - y); });
}
Tensor relu(const Tensor& x) {
  return unary_op("relu", x, cuda::UnaryOp::relu, {}, [](auto v) { return v > 0 ? v : decltype(v)(0); },
                  [](auto v, auto, auto g) { return v > 0 ? g : decltype(g)(0); });
}
Tensor relu2(const Tensor& x) {
  return unary_op("relu2", x, cuda::UnaryOp::relu2, {}, [](auto v) { return v > 0 ? v * v : decltype(v)(0); },
                  [](auto v, auto, auto g) { return v > 0 ? decltype(g)(2) * v * g : decltype(g)(0); });
}
Tensor silu(const Tensor& x) {
  return unary_op("silu", x, cuda::UnaryOp::silu, {}, [](auto v) { return v * sigmoid_of(v); },
                  [](auto v, auto, auto g) {
                    const auto s = sigmoid_of(v);
                    return g * s * (decltype(g)(1) + v * (decltype(g)(1) - s));
                  });
}
Tensor gelu(const Tensor& x) {
  return unary_op("gelu", x, cuda::UnaryOp::gelu, {}, [](auto v) { return decltype(v)(0.5) * v * (decltype(v)(1) + std::erf(v * decltype(v)(M_SQRT1_2))); },
                  [](auto v, auto, auto g) {
                    using T = decltype(v);
                    const T cdf = T(0.5) * (T(1) + std::erf(v * T(M_SQRT1_2)));
                    const T pdf = std::exp(T(-0.5) * v * v) * T(0.3989422804014327);
                    return g * (cdf + v * pdf);
                  });
}
Tensor clamp(const Tensor& x, double lo, double hi) {
  TRIT_CHECK(lo <= hi, "clamp: lo ", lo, " > hi ", hi);
  return unary_op("clamp", x, cuda::UnaryOp::clamp, {lo, hi},
                  [lo, hi](auto v) {
                    using T = decltype(v);
                    return v < T(lo) ? T(lo) : (v > T(hi) ? T(hi) : v);
                  },
                  [lo, hi](auto v, auto, auto g) {
                    using T = decltype(v);
                    return (v >= T(lo) && v <= T(hi)) ? g : T(0);
                  });
}
Tensor pow(const Tensor& x, double p) {
  return unary_op("pow", x, cuda::UnaryOp::pow, {p, 0.0}, [p](auto v) { return decltype(v)(std::pow(v, decltype(v)(p))); },
                  [p](auto v, auto, auto g) {
                    using T = decltype(v);
                    return p == 0 ? T(0) : g * T(p) * T(std::pow(v, T(p - 1)));
                  });
}

}  // namespace trit

// softmax and log_softmax over one dim (rows along the last dim after a transpose), and the
// fused softmax cross-entropy. Row kernels subtract the row max for stability and accumulate
// in double.
#include "trit/ops/softmax.h"

#include <cmath>
#include <limits>

#include "trit/autograd/node.h"
#include "trit/backend/cpu/fast_exp.h"
#include "trit/backend/cuda/softmax.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/core/parallel.h"
#include "trit/ops/view.h"

namespace trit {
namespace {

// Applies fn(row_in, row_out, n) to each row of x's last dim; x is made contiguous.
template <typename Fn>
Tensor map_rows(const Tensor& x, const char* op, Fn fn) {
  const Tensor xc = contiguous(x.detach());
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  const int64_t n = x.dim() == 0 ? 1 : x.size(-1);
  const int64_t rows = n == 0 ? 0 : x.numel() / n;
  visit_float(x.dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    const T* in = xc.data<T>();
    T* o = out.data<T>();
    parallel_for(rows, std::max<int64_t>(1, 8192 / std::max<int64_t>(n, 1)), [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) fn(in + r * n, o + r * n, n);
    });
  });
  return out;
}

// Same over pairs of rows of two tensors of one shape (for backward).
template <typename Fn>
Tensor map_rows2(const Tensor& a, const Tensor& b, const char* op, Fn fn) {
  const Tensor ac = contiguous(a), bc = contiguous(b);
  Tensor out = Tensor::empty(a.shape(), a.dtype());
  const int64_t n = a.size(-1);
  const int64_t rows = n == 0 ? 0 : a.numel() / n;
  visit_float(a.dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    const T* ap = ac.data<T>();
    const T* bp = bc.data<T>();
    T* o = out.data<T>();
    parallel_for(rows, std::max<int64_t>(1, 8192 / std::max<int64_t>(n, 1)), [&](int64_t s, int64_t e) {
      for (int64_t r = s; r < e; ++r) fn(ap + r * n, bp + r * n, o + r * n, n);
    });
  });
  return out;
}

#if TRIT_HAVE_CUDA
Tensor softmax_last_cuda(const Tensor& x, bool log) {
  const Tensor xc = contiguous(x.detach());
  Tensor y = log ? cuda::log_softmax_forward(xc) : cuda::softmax_forward(xc);
  if (needs_grad({x})) {
    const char* name = log ? "log_softmax" : "softmax";
    record(name, y, {x}, [sy = SavedTensor(y.detach(), name), log, name](const Tensor& g) {
      check_same_device(name, {g.device(), sy.get().device()});
      const Tensor gc = contiguous(g);
      return std::vector<Tensor>{log ? cuda::log_softmax_backward(gc, sy.get()) : cuda::softmax_backward(gc, sy.get())};
    });
  }
  return y;
}
#endif

Tensor softmax_last(const Tensor& x) {
#if TRIT_HAVE_CUDA
  if (x.device().is_cuda()) return softmax_last_cuda(x, false);
#endif
  Tensor y = map_rows(x, "softmax", [](const auto* in, auto* out, int64_t n) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(in)>>;
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t i = 0; i < n; ++i) m = std::max(m, in[i]);
    double s = 0;
    for (int64_t i = 0; i < n; ++i) out[i] = cpu::fast_exp(T(in[i] - m));
    for (int64_t i = 0; i < n; ++i) s += double(out[i]);
    const T inv = T(1.0 / s);
    for (int64_t i = 0; i < n; ++i) out[i] *= inv;
  });
  if (needs_grad({x})) {
    record("softmax", y, {x}, [sy = SavedTensor(y.detach(), "softmax")](const Tensor& g) {
      // dx = y * (g - sum(g * y))
      return std::vector<Tensor>{map_rows2(g, sy.get(), "softmax", [](const auto* gp, const auto* yp, auto* o, int64_t n) {
        double dot = 0;
        for (int64_t i = 0; i < n; ++i) dot += double(gp[i]) * double(yp[i]);
        for (int64_t i = 0; i < n; ++i) o[i] = yp[i] * (gp[i] - decltype(o[0] + 0)(dot));
      })};
    });
  }
  return y;
}

Tensor log_softmax_last(const Tensor& x) {
#if TRIT_HAVE_CUDA
  if (x.device().is_cuda()) return softmax_last_cuda(x, true);
#endif
  Tensor y = map_rows(x, "log_softmax", [](const auto* in, auto* out, int64_t n) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(in)>>;
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t i = 0; i < n; ++i) m = std::max(m, in[i]);
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += std::exp(double(in[i] - m));
    const T lse = m + T(std::log(s));
    for (int64_t i = 0; i < n; ++i) out[i] = in[i] - lse;
  });
  if (needs_grad({x})) {
    record("log_softmax", y, {x}, [sy = SavedTensor(y.detach(), "log_softmax")](const Tensor& g) {
      // dx = g - exp(y) * sum(g)
      return std::vector<Tensor>{map_rows2(g, sy.get(), "log_softmax", [](const auto* gp, const auto* yp, auto* o, int64_t n) {
        double s = 0;
        for (int64_t i = 0; i < n; ++i) s += double(gp[i]);
        for (int64_t i = 0; i < n; ++i) o[i] = gp[i] - std::exp(yp[i]) * decltype(o[0] + 0)(s);
      })};
    });
  }
  return y;
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) {
  const int64_t d = wrap_dim(dim, x.dim(), "softmax");
  if (d == x.dim() - 1) return softmax_last(x);
  return transpose(softmax_last(transpose(x, d, -1)), d, -1);
}

Tensor log_softmax(const Tensor& x, int64_t dim) {
  const int64_t d = wrap_dim(dim, x.dim(), "log_softmax");
  if (d == x.dim() - 1) return log_softmax_last(x);
  return transpose(log_softmax_last(transpose(x, d, -1)), d, -1);
}

Tensor cross_entropy(const Tensor& logits, const Tensor& targets, int64_t ignore_index) {
  TRIT_CHECK(logits.dim() == 2, "cross_entropy: logits must be [N, V], got ", shape_str(logits.shape()));
  TRIT_CHECK(targets.dtype() == DType::i32 && targets.dim() == 1 && targets.size(0) == logits.size(0),
             "cross_entropy: targets must be i32 [", logits.size(0), "], got ", dtype_name(targets.dtype()), " ",
             shape_str(targets.shape()));
  check_same_device("cross_entropy", {logits.device(), targets.device()});
  const int64_t N = logits.size(0), V = logits.size(1);
  const Tensor lc = contiguous(logits.detach());
  // Targets are checked on the host (a CUDA batch's targets are N ints: one small copy).
  const Tensor tc = contiguous(targets).to(Device::cpu());
  const int32_t* tp = tc.data<int32_t>();
  int64_t n_valid = 0;
  for (int64_t i = 0; i < N; ++i) {
    if (tp[i] == ignore_index) continue;
    TRIT_CHECK(tp[i] >= 0 && tp[i] < V, "cross_entropy: target ", tp[i], " at row ", i, " out of range [0, ", V, ")");
    ++n_valid;
  }
#if TRIT_HAVE_CUDA
  if (logits.device().is_cuda()) {
    const Tensor td = contiguous(targets);
    auto [loss, lse] = cuda::cross_entropy_forward(lc, td, ignore_index, n_valid);
    if (needs_grad({logits})) {
      record("cross_entropy", loss, {logits},
             [sl = SavedTensor(lc, "cross_entropy"), td, lse, n_valid, ignore_index](const Tensor& g) {
        check_same_device("cross_entropy", {g.device(), sl.get().device()});
        return std::vector<Tensor>{cuda::cross_entropy_backward(g, sl.get(), td, lse, ignore_index, n_valid)};
      });
    }
    return loss;
  }
#endif
  Tensor lse = Tensor::empty({N}, DType::f64);  // log-sum-exp per row, reused by backward
  double* lp = lse.data<double>();
  double total = 0;
  visit_float(logits.dtype(), "cross_entropy", [&](auto tag) {
    using T = decltype(tag);
    const T* x = lc.data<T>();
    parallel_for(N, std::max<int64_t>(1, 8192 / std::max<int64_t>(V, 1)), [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const T* row = x + r * V;
        T m = row[0];
        for (int64_t j = 1; j < V; ++j) m = std::max(m, row[j]);
        double s = 0;
        for (int64_t j = 0; j < V; ++j) s += std::exp(double(row[j] - m));
        lp[r] = double(m) + std::log(s);
      }
    });
    for (int64_t r = 0; r < N; ++r)
      if (tp[r] != ignore_index) total += lp[r] - double(x[r * V + tp[r]]);
  });
  Tensor loss = Tensor::scalar(n_valid ? total / double(n_valid) : 0.0, logits.dtype());
  if (needs_grad({logits})) {
    record("cross_entropy", loss, {logits},
           [sl = SavedTensor(lc, "cross_entropy"), tc, lse, n_valid, ignore_index, N, V](const Tensor& g) {
      // dlogits = g * (softmax - onehot(target)) / n_valid on valid rows, 0 on ignored rows
      const Tensor& x = sl.get();
      Tensor dx = Tensor::empty({N, V}, x.dtype());
      const int32_t* t = tc.data<int32_t>();
      const double* l = lse.data<double>();
      const double scale = n_valid ? g.item() / double(n_valid) : 0.0;
      visit_float(x.dtype(), "cross_entropy", [&](auto tag) {
        using T = decltype(tag);
        const T* xp = x.data<T>();
        T* dp = dx.data<T>();
        parallel_for(N, std::max<int64_t>(1, 8192 / std::max<int64_t>(V, 1)), [&](int64_t b, int64_t e) {
          for (int64_t r = b; r < e; ++r) {
            T* drow = dp + r * V;
            if (t[r] == ignore_index) {
              std::fill(drow, drow + V, T(0));
              continue;
            }
            const T* row = xp + r * V;
            for (int64_t j = 0; j < V; ++j) drow[j] = T(std::exp(double(row[j]) - l[r]) * scale);
            drow[t[r]] -= T(scale);
          }
        });
      });
      return std::vector<Tensor>{dx};
    });
  }
  return loss;
}

}  // namespace trit

// Fused RMSNorm over the last dim. Shapes: x [R, D] (leading dims flattened), w [D].
//   forward:  r = 1/sqrt(mean(x^2) + eps),  y = x r w
//   backward: with gw = g w,  dx = r gw - x r^3 mean(gw x),  dw = sum_rows(g x r)
#include "trit/ops/norm.h"

#include <cmath>
#include <vector>

#include "trit/autograd/node.h"
#include "trit/backend/cuda/norm.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/core/parallel.h"
#include "trit/ops/view.h"

namespace trit {

Tensor rms_norm(const Tensor& x, const Tensor& weight, double eps) {
  const int64_t D = x.size(-1);
  const int64_t R = D == 0 ? 0 : x.numel() / D;
  const bool has_w = weight.defined();
  if (has_w) {
    TRIT_CHECK(weight.dim() == 1 && weight.size(0) == D, "rms_norm: weight", weight.name_suffix(), " ",
               shape_str(weight.shape()), " does not match input ", shape_str(x.shape()));
    TRIT_CHECK(weight.dtype() == x.dtype(), "rms_norm: weight dtype ", dtype_name(weight.dtype()),
               " differs from input ", dtype_name(x.dtype()));
  }
  if (has_w) check_same_device("rms_norm", {x.device(), weight.device()});
  const Tensor xc = contiguous(x.detach());
  const Tensor wc = has_w ? contiguous(weight.detach()) : Tensor();
#if TRIT_HAVE_CUDA
  if (x.device().is_cuda()) {
    auto [y, rstd] = cuda::rms_norm_forward(xc, wc, eps);
    if (needs_grad({x, weight})) {
      record("rms_norm", y, {x, weight},
             [sx = SavedTensor(xc, "rms_norm"), sw = SavedTensor(wc, "rms_norm"), rstd,
              need_w = has_w && weight.requires_grad()](const Tensor& g) {
        check_same_device("rms_norm", {g.device(), sx.get().device()});
        auto [dx, dw] = cuda::rms_norm_backward(contiguous(g), sx.get(), sw.get(), rstd, need_w);
        return std::vector<Tensor>{dx, dw};
      });
    }
    return y;
  }
#endif
  Tensor y = Tensor::empty(x.shape(), x.dtype());
  Tensor rstd = Tensor::empty({R}, x.dtype());
  visit_float(x.dtype(), "rms_norm", [&](auto tag) {
    using T = decltype(tag);
    const T* xp = xc.data<T>();
    const T* wp = has_w ? wc.data<T>() : nullptr;
    T* yp = y.data<T>();
    T* rp = rstd.data<T>();
    parallel_for(R, std::max<int64_t>(1, 4096 / std::max<int64_t>(D, 1)), [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const T* row = xp + r * D;
        double ss = 0;
        for (int64_t i = 0; i < D; ++i) ss += double(row[i]) * double(row[i]);
        const T rs = T(1.0 / std::sqrt(ss / double(D) + eps));
        rp[r] = rs;
        T* out = yp + r * D;
        if (wp) {
          for (int64_t i = 0; i < D; ++i) out[i] = row[i] * rs * wp[i];
        } else {
          for (int64_t i = 0; i < D; ++i) out[i] = row[i] * rs;
        }
      }
    });
  });
  if (needs_grad({x, weight})) {
    record("rms_norm", y, {x, weight},
           [sx = SavedTensor(xc, "rms_norm"), sw = SavedTensor(wc, "rms_norm"), rstd, R, D, has_w,
            need_w = has_w && weight.requires_grad()](const Tensor& g) {
      const Tensor& xv = sx.get();
      const Tensor gc = contiguous(g);
      Tensor dx = Tensor::empty(xv.shape(), xv.dtype());
      Tensor dw = need_w ? Tensor::zeros({D}, xv.dtype()) : Tensor();
      visit_float(xv.dtype(), "rms_norm", [&](auto tag) {
        using T = decltype(tag);
        const T* xp = xv.data<T>();
        const T* wp = has_w ? sw.get().data<T>() : nullptr;
        const T* gp = gc.data<T>();
        const T* rp = rstd.data<T>();
        T* dxp = dx.data<T>();
        const int n_threads = max_threads();
        std::vector<double> partial(need_w ? size_t(n_threads) * size_t(D) : 0, 0.0);
        parallel_for(R, std::max<int64_t>(1, 4096 / std::max<int64_t>(D, 1)), [&](int64_t b, int64_t e) {
          double* acc = need_w ? partial.data() + size_t(omp_get_thread_num()) * size_t(D) : nullptr;
          for (int64_t r = b; r < e; ++r) {
            const T* xr = xp + r * D;
            const T* gr = gp + r * D;
            const double rs = double(rp[r]);
            double dot = 0;  // sum(g w x)
            for (int64_t i = 0; i < D; ++i) dot += double(gr[i]) * (wp ? double(wp[i]) : 1.0) * double(xr[i]);
            const double c = rs * rs * rs * dot / double(D);
            T* dr = dxp + r * D;
            for (int64_t i = 0; i < D; ++i) dr[i] = T(rs * double(gr[i]) * (wp ? double(wp[i]) : 1.0) - double(xr[i]) * c);
            if (acc)
              for (int64_t i = 0; i < D; ++i) acc[i] += double(gr[i]) * double(xr[i]) * rs;
          }
        });
        if (need_w) {
          T* dwp = dw.data<T>();
          for (int t = 0; t < n_threads; ++t)
            for (int64_t i = 0; i < D; ++i) dwp[i] += T(partial[size_t(t) * size_t(D) + size_t(i)]);
        }
      });
      return std::vector<Tensor>{dx, dw};
    });
  }
  return y;
}

}  // namespace trit

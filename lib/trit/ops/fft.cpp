// rfft / irfft along the last dim. Rows are transformed two at a time (one complex FFT per pair).
//
// Backward of X = rfft(x, n), with G the gradient of X and theta = 2 pi jk/n:
//   Re X_k = sum_j x_j cos theta, Im X_k = -sum_j x_j sin theta, so
//   dx_j = sum_{k=0}^{n/2} Re(G_k e^{i theta}) = n * irfft(G')_j, G'_k = G_k at k = 0, n/2 and
//   G_k / 2 between (irfft counts the middle bins twice, through their conjugates).
// Backward of y = irfft(X, n), with g the gradient of y:
//   y_j = (1/n) (Re X_0 + Re X_{n/2} (-1)^j + 2 sum_{0<k<n/2} Re(X_k e^{i theta})), so
//   dX_k = (c_k / n) rfft(g)_k with c_k = 1 at k = 0, n/2 and 2 between; the ignored imaginary
//   parts of bins 0 and n/2 get 0 (rfft(g) is real there).
#include "trit/ops/fft.h"

#include <complex>

#include "trit/autograd/node.h"
#include "trit/backend/cpu/fft.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/core/parallel.h"
#include "trit/ops/view.h"

namespace trit {
namespace {

// Real rows [R, L] -> half spectra [R, n/2+1] (complex, interleaved), two rows per transform.
Tensor rfft_rows(const Tensor& x, int64_t n, const Shape& out_shape) {
  const Tensor xc = contiguous(x.detach());
  const int64_t L = x.size(-1), R = L == 0 ? 0 : x.numel() / L, nb = n / 2 + 1;
  Tensor out = Tensor::empty(out_shape, x.dtype());
  visit_float(x.dtype(), "rfft", [&](auto tag) {
    using T = decltype(tag);
    const auto& plan = cpu::fft_plan<T>(n);
    const T* xp = xc.data<T>();
    auto* op = reinterpret_cast<std::complex<T>*>(out.data<T>());
    parallel_for((R + 1) / 2, std::max<int64_t>(1, 4096 / n), [&](int64_t b, int64_t e) {
      std::vector<std::complex<T>> work(static_cast<size_t>(n));
      for (int64_t p = b; p < e; ++p) {
        const int64_t r = 2 * p;
        const bool two = r + 1 < R;
        cpu::rfft_pair(plan, xp + r * L, two ? xp + (r + 1) * L : nullptr, 1, L, op + r * nb,
                       two ? op + (r + 1) * nb : nullptr, work.data());
      }
    });
  });
  return out;
}

// Half spectra [R, n/2+1, 2] -> real rows [R, n], each bin scaled by w(k) first.
template <typename W>
Tensor irfft_rows(const Tensor& X, int64_t n, const Shape& out_shape, W weight) {
  const Tensor Xc = contiguous(X.detach());
  const int64_t nb = n / 2 + 1, R = Xc.numel() / (2 * nb);
  Tensor out = Tensor::empty(out_shape, X.dtype());
  visit_float(X.dtype(), "irfft", [&](auto tag) {
    using T = decltype(tag);
    const auto& plan = cpu::fft_plan<T>(n);
    const auto* xp = reinterpret_cast<const std::complex<T>*>(Xc.data<T>());
    T* op = out.data<T>();
    parallel_for((R + 1) / 2, std::max<int64_t>(1, 4096 / n), [&](int64_t b, int64_t e) {
      std::vector<std::complex<T>> work(static_cast<size_t>(n)), A(static_cast<size_t>(nb)), B(static_cast<size_t>(nb));
      for (int64_t p = b; p < e; ++p) {
        const int64_t r = 2 * p;
        const bool two = r + 1 < R;
        for (int64_t k = 0; k < nb; ++k) {
          A[size_t(k)] = xp[r * nb + k] * T(weight(k));
          if (two) B[size_t(k)] = xp[(r + 1) * nb + k] * T(weight(k));
        }
        cpu::irfft_pair(plan, A.data(), two ? B.data() : nullptr, op + r * n, two ? op + (r + 1) * n : nullptr, 1, n,
                        work.data());
      }
    });
  });
  return out;
}

// s with its last `drop` dims replaced by `last`.
Shape replace_last(Shape s, size_t drop, std::initializer_list<int64_t> last) {
  s.resize(s.size() - drop);
  s.insert(s.end(), last);
  return s;
}

}  // namespace

Tensor rfft(const Tensor& x, int64_t n) {
  TRIT_CHECK(x.dim() >= 1, "rfft: input must have at least one dim");
  const int64_t L = x.size(-1);
  if (n == 0) n = L;
  TRIT_CHECK(cpu::is_power_of_two(n) && n >= 2, "rfft: size ", n, " must be a power of two >= 2");
  TRIT_CHECK(L <= n, "rfft: signal of ", L, " samples is longer than the transform size ", n);
  Tensor out = rfft_rows(x, n, replace_last(x.shape(), 1, {n / 2 + 1, 2}));
  if (needs_grad({x})) {
    record("rfft", out, {x}, [n, L](const Tensor& g) {
      const int64_t h = n / 2;
      Tensor full = irfft_rows(g, n, replace_last(g.shape(), 2, {n}),
                               [&](int64_t k) { return (k == 0 || k == h) ? double(n) : double(n) / 2.0; });
      return std::vector<Tensor>{L == n ? full : contiguous(narrow(full, -1, 0, L))};
    });
  }
  return out;
}

Tensor irfft(const Tensor& X, int64_t n) {
  TRIT_CHECK(X.dim() >= 2 && X.size(-1) == 2, "irfft: spectrum must be [..., bins, 2], got ", shape_str(X.shape()));
  const int64_t nb = X.size(-2);
  if (n == 0) n = 2 * (nb - 1);
  TRIT_CHECK(cpu::is_power_of_two(n) && n >= 2, "irfft: size ", n, " must be a power of two >= 2");
  TRIT_CHECK(nb == n / 2 + 1, "irfft: size ", n, " needs ", n / 2 + 1, " bins, got ", nb);
  Tensor out = irfft_rows(X, n, replace_last(X.shape(), 2, {n}), [](int64_t) { return 1.0; });
  if (needs_grad({X})) {
    record("irfft", out, {X}, [n, shape = X.shape()](const Tensor& g) {
      Tensor dX = rfft_rows(g, n, shape);
      const int64_t h = n / 2, R = dX.numel() / (2 * (h + 1));
      visit_float(dX.dtype(), "irfft", [&](auto tag) {
        using T = decltype(tag);
        T* p = dX.data<T>();
        for (int64_t r = 0; r < R; ++r) {
          for (int64_t k = 0; k <= h; ++k) {
            const T c = T((k == 0 || k == h ? 1.0 : 2.0) / double(n));
            p[(r * (h + 1) + k) * 2] *= c;
            p[(r * (h + 1) + k) * 2 + 1] = (k == 0 || k == h) ? T(0) : p[(r * (h + 1) + k) * 2 + 1] * c;
          }
        }
      });
      return std::vector<Tensor>{dX};
    });
  }
  return out;
}

}  // namespace trit

// Causal long convolution by FFT. Shapes: x [B, T, C], h [K, C], y [B, T, C]; Ke = min(K, T)
// taps matter; n = next power of two >= T + Ke - 1, so circular wrap-around never reaches the
// kept samples. Channels are transformed in pairs (c, c+1) with one complex FFT.
//
// Backward with g = dy:
//   dx[s] = sum_{t>=s} g[t] h[t-s]    = IFFT(G conj(H))[s]   for s < T
//   dh[k] = sum_b sum_{t>=k} g[t] x[t-k] = IFFT(sum_b G conj(X))[k] for k < Ke
// (circular correlation equals the linear one on those ranges because n >= T + Ke - 1).
#include "trit/ops/long_conv.h"

#include <complex>
#include <memory>
#include <vector>

#include "trit/autograd/node.h"
#include "trit/backend/cpu/fft.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/core/parallel.h"
#include "trit/ops/view.h"

namespace trit {
namespace {

// a * b and a * conj(b) written out: std::complex's operator* handles NaN/inf cases and is slow.
template <typename T>
inline std::complex<T> cmul(std::complex<T> a, std::complex<T> b) {
  return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}
template <typename T>
inline std::complex<T> cmul_conj(std::complex<T> a, std::complex<T> b) {
  return {a.real() * b.real() + a.imag() * b.imag(), a.imag() * b.real() - a.real() * b.imag()};
}

struct ConvDims {
  int64_t B, T, C, K, Ke, n, nb;
};

ConvDims conv_dims(const Tensor& x, const Tensor& h) {
  TRIT_CHECK(x.dim() == 3, "causal_conv: x must be [B, T, C], got ", shape_str(x.shape()));
  TRIT_CHECK(h.dim() == 2 && h.size(1) == x.size(2), "causal_conv: filter must be [K, ", x.size(2), "], got ",
             shape_str(h.shape()));
  TRIT_CHECK(x.dtype() == h.dtype(), "causal_conv: x is ", dtype_name(x.dtype()), ", filter ", dtype_name(h.dtype()));
  TRIT_CHECK(h.size(0) >= 1, "causal_conv: filter has no taps");
  ConvDims d{x.size(0), x.size(1), x.size(2), h.size(0), 0, 0, 0};
  d.Ke = std::min(d.K, d.T);
  d.n = cpu::next_power_of_two(std::max<int64_t>(2, d.T + d.Ke - 1));
  d.nb = d.n / 2 + 1;
  return d;
}

// Half spectra of the filters, [C, nb] (channel-major).
template <typename T>
std::vector<std::complex<T>> filter_spectra(const ConvDims& d, const T* hp) {
  std::vector<std::complex<T>> H(size_t(d.C * d.nb));
  const auto& plan = cpu::fft_plan<T>(d.n);
  parallel_for((d.C + 1) / 2, 1, [&](int64_t b, int64_t e) {
    std::vector<std::complex<T>> work(static_cast<size_t>(d.n));
    for (int64_t p = b; p < e; ++p) {
      const int64_t c = 2 * p;
      const bool two = c + 1 < d.C;
      cpu::rfft_pair(plan, hp + c, two ? hp + c + 1 : nullptr, d.C, d.Ke, &H[size_t(c * d.nb)],
                     two ? &H[size_t((c + 1) * d.nb)] : nullptr, work.data());
    }
  });
  return H;
}

template <typename T>
void conv_forward(const ConvDims& d, const T* xp, const std::complex<T>* H, T* yp) {
  const auto& plan = cpu::fft_plan<T>(d.n);
  const int64_t pairs = (d.C + 1) / 2;
  parallel_for(d.B * pairs, 1, [&](int64_t b0, int64_t e0) {
    std::vector<std::complex<T>> work(static_cast<size_t>(d.n)), A(static_cast<size_t>(d.nb)), Bs(static_cast<size_t>(d.nb));
    for (int64_t i = b0; i < e0; ++i) {
      const int64_t b = i / pairs, c = 2 * (i % pairs);
      const bool two = c + 1 < d.C;
      const T* xr = xp + b * d.T * d.C + c;
      cpu::rfft_pair(plan, xr, two ? xr + 1 : nullptr, d.C, d.T, A.data(), Bs.data(), work.data());
      for (int64_t k = 0; k < d.nb; ++k) {
        A[size_t(k)] = cmul(A[size_t(k)], H[c * d.nb + k]);
        if (two) Bs[size_t(k)] = cmul(Bs[size_t(k)], H[(c + 1) * d.nb + k]);
      }
      T* yr = yp + b * d.T * d.C + c;
      cpu::irfft_pair(plan, A.data(), two ? Bs.data() : nullptr, yr, two ? yr + 1 : nullptr, d.C, d.T, work.data());
    }
  });
}

// dx [B, T, C] and dh [K, C] from g [B, T, C]; parallel over channel pairs, batch inside so
// each pair owns its filter-gradient accumulator.
template <typename T>
void conv_backward(const ConvDims& d, const T* xp, const std::complex<T>* H, const T* gp, T* dxp, T* dhp) {
  const auto& plan = cpu::fft_plan<T>(d.n);
  parallel_for((d.C + 1) / 2, 1, [&](int64_t p0, int64_t p1) {
    std::vector<std::complex<T>> work(static_cast<size_t>(d.n)), G0(static_cast<size_t>(d.nb)), G1(static_cast<size_t>(d.nb)), X0(static_cast<size_t>(d.nb)),
        X1(static_cast<size_t>(d.nb)), D0(static_cast<size_t>(d.nb)), D1(static_cast<size_t>(d.nb));
    for (int64_t p = p0; p < p1; ++p) {
      const int64_t c = 2 * p;
      const bool two = c + 1 < d.C;
      std::fill(D0.begin(), D0.end(), std::complex<T>(0, 0));
      std::fill(D1.begin(), D1.end(), std::complex<T>(0, 0));
      const std::complex<T>* H0 = H + c * d.nb;
      const std::complex<T>* H1 = two ? H + (c + 1) * d.nb : nullptr;
      for (int64_t b = 0; b < d.B; ++b) {
        const int64_t off = b * d.T * d.C + c;
        cpu::rfft_pair(plan, gp + off, two ? gp + off + 1 : nullptr, d.C, d.T, G0.data(), G1.data(), work.data());
        cpu::rfft_pair(plan, xp + off, two ? xp + off + 1 : nullptr, d.C, d.T, X0.data(), X1.data(), work.data());
        for (int64_t k = 0; k < d.nb; ++k) {
          D0[size_t(k)] += cmul_conj(G0[size_t(k)], X0[size_t(k)]);
          if (two) D1[size_t(k)] += cmul_conj(G1[size_t(k)], X1[size_t(k)]);
          X0[size_t(k)] = cmul_conj(G0[size_t(k)], H0[k]);  // reuse X as the dx spectrum
          if (two) X1[size_t(k)] = cmul_conj(G1[size_t(k)], H1[k]);
        }
        cpu::irfft_pair(plan, X0.data(), two ? X1.data() : nullptr, dxp + off, two ? dxp + off + 1 : nullptr, d.C,
                        d.T, work.data());
      }
      cpu::irfft_pair(plan, D0.data(), two ? D1.data() : nullptr, dhp + c, two ? dhp + c + 1 : nullptr, d.C, d.Ke,
                      work.data());
    }
  });
}

}  // namespace

Tensor causal_conv(const Tensor& x, const Tensor& h) {
  const ConvDims d = conv_dims(x, h);
  const Tensor xc = contiguous(x.detach()), hc = contiguous(h.detach());
  Tensor y = Tensor::empty(x.shape(), x.dtype());
  if (x.numel() == 0) return y;
  // Filter spectra are shared by forward and backward.
  auto spectra = std::make_shared<Tensor>();
  visit_float(x.dtype(), "causal_conv", [&](auto tag) {
    using T = decltype(tag);
    auto H = filter_spectra<T>(d, hc.data<T>());
    conv_forward<T>(d, xc.data<T>(), H.data(), y.data<T>());
    *spectra = Tensor::from_vector<T>(std::span<const T>(reinterpret_cast<const T*>(H.data()), H.size() * 2),
                                      {d.C, d.nb, 2});
  });
  if (needs_grad({x, h})) {
    record("causal_conv", y, {x, h}, [d, sx = SavedTensor(xc, "causal_conv"), spectra](const Tensor& g) {
      const Tensor gc = contiguous(g);
      const Tensor& xs = sx.get();
      Tensor dx = Tensor::empty({d.B, d.T, d.C}, xs.dtype());
      Tensor dh = Tensor::zeros({d.K, d.C}, xs.dtype());
      visit_float(xs.dtype(), "causal_conv", [&](auto tag) {
        using T = decltype(tag);
        conv_backward<T>(d, xs.data<T>(), reinterpret_cast<const std::complex<T>*>(spectra->data<T>()), gc.data<T>(),
                         dx.data<T>(), dh.data<T>());
      });
      return std::vector<Tensor>{dx, dh};
    });
  }
  return y;
}

Tensor causal_conv_direct(const Tensor& x, const Tensor& h) {
  const ConvDims d = conv_dims(x, h);
  const Tensor xc = contiguous(x.detach()), hc = contiguous(h.detach());
  Tensor y = Tensor::zeros(x.shape(), x.dtype());
  visit_float(x.dtype(), "causal_conv_direct", [&](auto tag) {
    using T = decltype(tag);
    const T *xp = xc.data<T>(), *hp = hc.data<T>();
    T* yp = y.data<T>();
    for (int64_t b = 0; b < d.B; ++b)
      for (int64_t t = 0; t < d.T; ++t)
        for (int64_t s = 0; s <= std::min(t, d.K - 1); ++s)
          for (int64_t c = 0; c < d.C; ++c) yp[(b * d.T + t) * d.C + c] += hp[s * d.C + c] * xp[(b * d.T + t - s) * d.C + c];
  });
  return y;
}

}  // namespace trit

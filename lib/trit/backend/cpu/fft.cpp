#include "trit/backend/cpu/fft.h"

#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>

#include "trit/core/error.h"

namespace trit::cpu {

bool is_power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

int64_t next_power_of_two(int64_t n) {
  int64_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

template <typename T>
FftPlan<T>::FftPlan(int64_t n) : n_(n) {
  TRIT_CHECK(is_power_of_two(n), "fft: size ", n, " is not a power of two");
  TRIT_CHECK(n <= (int64_t(1) << 30), "fft: size ", n, " is too large");
  twiddle_.resize(size_t(n / 2));
  for (int64_t k = 0; k < n / 2; ++k) {
    const double a = -2.0 * std::numbers::pi * double(k) / double(n);
    twiddle_[size_t(k)] = std::complex<T>(T(std::cos(a)), T(std::sin(a)));
  }
  bitrev_.resize(size_t(n));
  int bits = 0;
  while ((int64_t(1) << bits) < n) ++bits;
  for (int64_t i = 0; i < n; ++i) {
    int64_t r = 0;
    for (int b = 0; b < bits; ++b) r |= ((i >> b) & 1) << (bits - 1 - b);
    bitrev_[size_t(i)] = int32_t(r);
  }
}

template <typename T>
void FftPlan<T>::transform(std::complex<T>* z, bool inverse) const {
  const int64_t n = n_;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = bitrev_[size_t(i)];
    if (i < r) std::swap(z[i], z[r]);
  }
  for (int64_t len = 2; len <= n; len <<= 1) {
    const int64_t half = len / 2, step = n / len;
    for (int64_t s = 0; s < n; s += len) {
      std::complex<T>* lo = z + s;
      std::complex<T>* hi = z + s + half;
      for (int64_t j = 0; j < half; ++j) {
        std::complex<T> w = twiddle_[size_t(j * step)];
        if (inverse) w = std::conj(w);
        // Written out: std::complex's operator* checks for NaN/inf and is several times slower.
        const T hr = hi[j].real() * w.real() - hi[j].imag() * w.imag();
        const T hi_ = hi[j].real() * w.imag() + hi[j].imag() * w.real();
        const T lr = lo[j].real(), li = lo[j].imag();
        lo[j] = std::complex<T>(lr + hr, li + hi_);
        hi[j] = std::complex<T>(lr - hr, li - hi_);
      }
    }
  }
}

template <typename T>
const FftPlan<T>& fft_plan(int64_t n) {
  static std::mutex mutex;
  static std::map<int64_t, std::unique_ptr<FftPlan<T>>> plans;
  std::lock_guard<std::mutex> lock(mutex);
  auto& p = plans[n];
  if (!p) p = std::make_unique<FftPlan<T>>(n);
  return *p;
}

template <typename T>
void rfft_pair(const FftPlan<T>& plan, const T* a, const T* b, int64_t stride, int64_t len, std::complex<T>* A,
               std::complex<T>* B, std::complex<T>* work) {
  const int64_t n = plan.size();
  for (int64_t j = 0; j < len; ++j) work[j] = std::complex<T>(a[j * stride], b ? b[j * stride] : T(0));
  for (int64_t j = len; j < n; ++j) work[j] = std::complex<T>(0, 0);
  plan.forward(work);
  for (int64_t k = 0; k <= n / 2; ++k) {
    const std::complex<T> zk = work[k], zc = std::conj(work[(n - k) & (n - 1)]);
    A[k] = (zk + zc) * T(0.5);
    // (zk - zc) / 2i
    if (B) B[k] = std::complex<T>((zk - zc).imag() * T(0.5), -(zk - zc).real() * T(0.5));
  }
}

template <typename T>
void irfft_pair(const FftPlan<T>& plan, const std::complex<T>* A, const std::complex<T>* B, T* a, T* b,
                int64_t stride, int64_t keep, std::complex<T>* work) {
  const int64_t n = plan.size(), h = n / 2;
  const std::complex<T> I(0, 1);
  auto bin = [&](const std::complex<T>* X, int64_t k) {
    // Full Hermitian spectrum from the half; bins 0 and n/2 are taken as real.
    if (k == 0 || k == h) return std::complex<T>(X[k].real(), 0);
    return k < h ? X[k] : std::conj(X[n - k]);
  };
  for (int64_t k = 0; k < n; ++k) work[k] = bin(A, k) + (B ? I * bin(B, k) : std::complex<T>(0, 0));
  plan.inverse(work);
  const T inv_n = T(1.0 / double(n));
  for (int64_t j = 0; j < keep; ++j) {
    a[j * stride] = work[j].real() * inv_n;
    if (b) b[j * stride] = work[j].imag() * inv_n;
  }
}

#define TRIT_FFT_INSTANTIATE(T)                                                                                \
  template class FftPlan<T>;                                                                                   \
  template const FftPlan<T>& fft_plan<T>(int64_t);                                                             \
  template void rfft_pair<T>(const FftPlan<T>&, const T*, const T*, int64_t, int64_t, std::complex<T>*,        \
                             std::complex<T>*, std::complex<T>*);                                              \
  template void irfft_pair<T>(const FftPlan<T>&, const std::complex<T>*, const std::complex<T>*, T*, T*, int64_t, \
                              int64_t, std::complex<T>*);
TRIT_FFT_INSTANTIATE(float)
TRIT_FFT_INSTANTIATE(double)
#undef TRIT_FFT_INSTANTIATE

}  // namespace trit::cpu

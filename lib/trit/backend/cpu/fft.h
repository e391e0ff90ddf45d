#pragma once
// Radix-2 complex FFT for power-of-two sizes (iterative Cooley-Tukey: bit-reversal permutation,
// then butterflies), and real transforms built on it that handle two real rows with one complex
// transform (z = a + i b; the spectra of a and b are the even and odd Hermitian parts of Z).
//   forward:  X_k = sum_j x_j e^{-2 pi i jk/n}
//   inverse:  x_j = (1/n) sum_k X_k e^{+2 pi i jk/n}
// A half spectrum holds bins 0 ..= n/2 (n/2+1 values); the inverse of a half spectrum ignores the
// imaginary parts of bins 0 and n/2 (as numpy.fft.irfft). Plans (twiddles, bit-reversal table)
// are built once per size, in double precision, and shared between threads.
#include <complex>
#include <cstdint>
#include <vector>

namespace trit::cpu {

bool is_power_of_two(int64_t n);
int64_t next_power_of_two(int64_t n);  // smallest power of two >= max(n, 1)

template <typename T>
class FftPlan {
 public:
  explicit FftPlan(int64_t n);
  int64_t size() const { return n_; }
  // In place on n values; inverse is unnormalised (no 1/n).
  void forward(std::complex<T>* z) const { transform(z, false); }
  void inverse(std::complex<T>* z) const { transform(z, true); }

 private:
  void transform(std::complex<T>* z, bool inverse) const;
  int64_t n_;
  std::vector<std::complex<T>> twiddle_;  // e^{-2 pi i k/n}, k < n/2
  std::vector<int32_t> bitrev_;
};

// The plan for size n (a power of two), built on first use; thread-safe.
template <typename T>
const FftPlan<T>& fft_plan(int64_t n);

// Half spectra (n/2+1 bins) of two real rows a and b (b may be null), each of `len` <= n samples
// read with element stride `stride` and zero-padded to n. `work` holds n values.
template <typename T>
void rfft_pair(const FftPlan<T>& plan, const T* a, const T* b, int64_t stride, int64_t len, std::complex<T>* A,
               std::complex<T>* B, std::complex<T>* work);

// Inverse of two half spectra (B may be null): writes the first `keep` <= n samples of each
// real result, scaled by 1/n, with element stride `stride`. `work` holds n values.
template <typename T>
void irfft_pair(const FftPlan<T>& plan, const std::complex<T>* A, const std::complex<T>* B, T* a, T* b,
                int64_t stride, int64_t keep, std::complex<T>* work);

}  // namespace trit::cpu

#pragma once
// Real FFT and its inverse along the last dim, differentiable. Complex values are a trailing
// dim of 2 (re, im). Sizes are powers of two (trit/backend/cpu/fft.h).
//   rfft(x [..., L], n) -> [..., n/2+1, 2]: X_k = sum_{j<L} x_j e^{-2 pi i jk/n} (x zero-padded to
//     n >= L; n = 0 means L).
//   irfft(X [..., n/2+1, 2], n) -> [..., n]: the real signal whose half spectrum is X (imaginary
//     parts of bins 0 and n/2 ignored, as numpy.fft.irfft); n = 0 means 2 (K - 1).
// Gradients (derived in fft.cpp): both are linear, so each backward is the other transform with
// per-bin weights.
#include "trit/core/tensor.h"

namespace trit {

Tensor rfft(const Tensor& x, int64_t n = 0);
Tensor irfft(const Tensor& spectrum, int64_t n = 0);

}  // namespace trit

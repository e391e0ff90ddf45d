#pragma once
// Causal long convolution by FFT, as in H3 and Hyena, one filter per channel:
//   x [B, T, C], h [K, C] -> y [B, T, C],  y[b, t, c] = sum_{s=0}^{min(t, K-1)} h[s, c] x[b, t-s, c]
// computed by zero-padding to n = the power of two >= T + min(K, T) - 1 (at most 2T), multiplying
// spectra and keeping the first T outputs; O(B C n log n) instead of O(B C T K). Channels last, as
// the activations of the models; taps past T never reach an output and get zero gradient.
// Backward, also by FFT (derivation in long_conv.cpp): dx is the correlation of dy with h, dh the
// correlation of dy with x summed over the batch.
#include "trit/core/tensor.h"

namespace trit {

Tensor causal_conv(const Tensor& x, const Tensor& h);

// The same by direct summation, O(B C T K): the reference the FFT version is tested against.
Tensor causal_conv_direct(const Tensor& x, const Tensor& h);

}  // namespace trit

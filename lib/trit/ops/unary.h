#pragma once
// Elementwise unary ops. Each derivative is written next to its forward in unary.cpp.
#include "trit/core/tensor.h"

namespace trit {

Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor rsqrt(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor relu2(const Tensor& x);  // relu(x)^2, the FFN activation of BitNet b1.58 2B4T
Tensor silu(const Tensor& x);   // x * sigmoid(x)
Tensor gelu(const Tensor& x);   // exact (erf) form, as torch's default
Tensor clamp(const Tensor& x, double lo, double hi);  // gradient 1 inside [lo, hi], else 0
Tensor pow(const Tensor& x, double p);
inline Tensor square(const Tensor& x) { return pow(x, 2.0); }
inline Tensor operator-(const Tensor& x) { return neg(x); }

}  // namespace trit

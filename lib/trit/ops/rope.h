#pragma once
#include "trit/core/tensor.h"

namespace trit {

// Rotary position embedding in the rotate-half (NEOX) layout on x [B, H, T, D] (D even):
// for i < D/2, angle = (pos0 + t) * theta^(-2i/D),
//   y[i] = x[i] cos - x[i + D/2] sin,  y[i + D/2] = x[i + D/2] cos + x[i] sin.
Tensor rope(const Tensor& x, int64_t pos0 = 0, double theta = 10000.0);

}  // namespace trit

#pragma once
#include "trit/core/tensor.h"

namespace trit {

// RMSNorm over the last dim: y = x / sqrt(mean(x^2) + eps) * weight. Fused forward and
// backward; weight may be undefined (no scale).
Tensor rms_norm(const Tensor& x, const Tensor& weight, double eps = 1e-5);

}  // namespace trit

#pragma once
// Fused RMSNorm on CUDA tensors over the last dim, x [R, D] contiguous f32 (leading dims
// flattened), weight [D] or undefined. Formulas and accumulation order as ops/norm.cpp:
//   forward:  r = 1/sqrt(mean(x^2) + eps) (sum in double), y = x r w
//   backward: dx = r g w - x r^3 mean(g w x),  dw = sum_rows(g x r)  (in double)
// Plain C++.
#include "trit/core/tensor.h"

namespace trit::cuda {

struct RmsNormForward {
  Tensor y, rstd;  // rstd: f32 [R]
};
RmsNormForward rms_norm_forward(const Tensor& x, const Tensor& weight, double eps);

struct RmsNormBackward {
  Tensor dx, dw;  // dw undefined unless need_dw
};
RmsNormBackward rms_norm_backward(const Tensor& g, const Tensor& x, const Tensor& weight, const Tensor& rstd,
                                  bool need_dw);

}  // namespace trit::cuda

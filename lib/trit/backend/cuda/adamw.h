#pragma once
// The fused AdamW update of one contiguous f32 CUDA parameter, in the order and rounding of
// optim/adamw.cpp (torch.optim.AdamW's): m by lerp, v by mul then addcmul, decay before the
// Adam step. Plain C++.
#include "trit/core/tensor.h"

namespace trit::cuda {

struct AdamWHyper {
  double beta1, beta2, eps, decay_factor, step_size, sqrt_bc2;
};

// param, m, v updated in place from grad (all contiguous f32 of one shape, one device).
void adamw_step(Tensor& param, const Tensor& grad, Tensor& m, Tensor& v, const AdamWHyper& h);

}  // namespace trit::cuda

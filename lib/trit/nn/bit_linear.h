#pragma once
// BitLinear of BitNet b1.58: y = act_quant_int8(n(x)) @ weight_quant_ternary(W)^T, no bias.
// x [..., in] -> [..., out]; weight [out, in] holds the latent float weights, quantized anew
// at every forward with straight-through gradients (trit/ops/quant.h gives the exact rule).
//
// n is the identity by default: the BitNet block of DESIGN.md normalises outside the layer
// (pre-norms and sub-norms), as llama.cpp's bitnet graph does. With `norm_input` set, n is the
// RMSNorm built into BitLinear in the BitNet papers ("Training Tips, Code and FAQ": x_norm =
// RMSNorm(x) before the activation quantizer); by default that norm has no weight, as the
// paper's code; `norm_affine` adds a learnable weight (a child "norm", parameter "norm.weight").
#include <cstdint>
#include <memory>

#include "trit/core/rng.h"
#include "trit/nn/module.h"
#include "trit/nn/rms_norm.h"

namespace trit::nn {

struct BitLinearConfig {
  int64_t in = 0;
  int64_t out = 0;
  bool norm_input = false;
  bool norm_affine = false;  // only with norm_input
  double norm_eps = 1e-5;
  double init_std = 0.02;  // latent weight ~ N(0, init_std^2)
  DType dtype = DType::f32;
};

class BitLinear : public Module {
 public:
  BitLinear(const BitLinearConfig& config, Generator& gen);
  Tensor forward(const Tensor& x) const;
  const BitLinearConfig& config() const { return config_; }

  Tensor weight;
  std::shared_ptr<RMSNorm> norm;  // set only with norm_input && norm_affine

 private:
  BitLinearConfig config_;
};

}  // namespace trit::nn

#pragma once
// RMSNorm over the last dim: y = x / sqrt(mean(x^2) + eps) * weight, weight [dim] starting at 1.
#include <cstdint>

#include "trit/nn/module.h"

namespace trit::nn {

struct RMSNormConfig {
  int64_t dim = 0;
  double eps = 1e-5;   // DESIGN.md: the BitNet block uses 1e-5, as llama.cpp's bitnet
  bool affine = true;  // false: no weight (a plain normalisation)
  DType dtype = DType::f32;
};

class RMSNorm : public Module {
 public:
  explicit RMSNorm(const RMSNormConfig& config);
  Tensor forward(const Tensor& x) const;
  const RMSNormConfig& config() const { return config_; }

  Tensor weight;  // undefined when not affine

 private:
  RMSNormConfig config_;
};

}  // namespace trit::nn

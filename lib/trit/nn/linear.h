#pragma once
// Linear: y = x W^T + b on the last dim. x [..., in] -> [..., out]; weight [out, in], bias [out].
#include <cstdint>

#include "trit/core/rng.h"
#include "trit/nn/module.h"

namespace trit::nn {

struct LinearConfig {
  int64_t in = 0;
  int64_t out = 0;
  bool bias = true;
  double init_std = 0.02;  // weight ~ N(0, init_std^2), as GPT-2/nanoGPT; bias starts at 0
  DType dtype = DType::f32;
};

class Linear : public Module {
 public:
  Linear(const LinearConfig& config, Generator& gen);
  Tensor forward(const Tensor& x) const;
  const LinearConfig& config() const { return config_; }

  Tensor weight;
  Tensor bias;  // undefined without bias

 private:
  LinearConfig config_;
};

}  // namespace trit::nn

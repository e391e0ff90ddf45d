#include "trit/nn/bit_linear.h"

#include "trit/nn/init.h"
#include "trit/ops/norm.h"
#include "trit/ops/quant.h"

namespace trit::nn {

BitLinear::BitLinear(const BitLinearConfig& config, Generator& gen) : config_(config) {
  TRIT_CHECK(config.in > 0 && config.out > 0, "BitLinear: in (", config.in, ") and out (", config.out,
             ") must be positive");
  TRIT_CHECK(config.norm_input || !config.norm_affine,
             "BitLinear: norm_affine is set but norm_input is not (the weight would be unused)");
  weight = register_parameter("weight", Tensor::empty({config.out, config.in}, config.dtype));
  init::normal_(weight, config.init_std, gen);
  if (config.norm_input && config.norm_affine) {
    norm = register_module("norm", std::make_shared<RMSNorm>(
                                       RMSNormConfig{config.in, config.norm_eps, true, config.dtype}));
  }
}

Tensor BitLinear::forward(const Tensor& x) const {
  TRIT_CHECK(x.dim() >= 1 && x.size(-1) == config_.in, "BitLinear", weight.name_suffix(), ": input of shape ",
             shape_str(x.shape()), " does not end in in = ", config_.in);
  if (!config_.norm_input) return bitlinear(x, weight);
  const Tensor xn = norm ? norm->forward(x) : rms_norm(x, Tensor(), config_.norm_eps);
  return bitlinear(xn, weight);
}

}  // namespace trit::nn

#include "trit/nn/rms_norm.h"

#include "trit/ops/norm.h"

namespace trit::nn {

RMSNorm::RMSNorm(const RMSNormConfig& config) : config_(config) {
  TRIT_CHECK(config.dim > 0, "RMSNorm: dim (", config.dim, ") must be positive");
  TRIT_CHECK(config.eps > 0.0, "RMSNorm: eps (", config.eps, ") must be positive");
  if (config.affine) weight = register_parameter("weight", Tensor::ones({config.dim}, config.dtype));
}

Tensor RMSNorm::forward(const Tensor& x) const {
  TRIT_CHECK(x.dim() >= 1 && x.size(-1) == config_.dim, "RMSNorm", weight.defined() ? weight.name_suffix() : "",
             ": input of shape ", shape_str(x.shape()), " does not end in dim = ", config_.dim);
  return rms_norm(x, weight, config_.eps);
}

}  // namespace trit::nn

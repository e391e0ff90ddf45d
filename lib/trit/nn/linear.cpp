#include "trit/nn/linear.h"

#include "trit/nn/init.h"
#include "trit/ops/matmul.h"

namespace trit::nn {

Linear::Linear(const LinearConfig& config, Generator& gen) : config_(config) {
  TRIT_CHECK(config.in > 0 && config.out > 0, "Linear: in (", config.in, ") and out (", config.out,
             ") must be positive");
  weight = register_parameter("weight", Tensor::empty({config.out, config.in}, config.dtype));
  init::normal_(weight, config.init_std, gen);
  if (config.bias) {
    bias = register_parameter("bias", Tensor::zeros({config.out}, config.dtype));
  }
}

Tensor Linear::forward(const Tensor& x) const {
  TRIT_CHECK(x.dim() >= 1 && x.size(-1) == config_.in, "Linear", weight.name_suffix(), ": input of shape ",
             shape_str(x.shape()), " does not end in in = ", config_.in);
  return linear(x, weight, bias);
}

}  // namespace trit::nn

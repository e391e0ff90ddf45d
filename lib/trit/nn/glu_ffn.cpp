#include "trit/nn/glu_ffn.h"

#include "trit/ops/ops.h"

namespace trit::nn {

GluActivation parse_glu_activation(const std::string& name) {
  if (name == "swiglu") return GluActivation::silu;
  if (name == "relu2_glu") return GluActivation::relu2;
  fail("unknown FFN activation '", name, "' (valid: swiglu, relu2_glu)");
}

const char* glu_activation_name(GluActivation a) { return a == GluActivation::silu ? "swiglu" : "relu2_glu"; }

GluFfn::GluFfn(const GluFfnConfig& c, Generator& gen) : config_(c) {
  gate = make_projection(*this, "gate", c.d_model, c.d_ff, c.ternary, c.init_std, gen);
  up = make_projection(*this, "up", c.d_model, c.d_ff, c.ternary, c.init_std, gen);
  if (c.sub_norm) sub_norm = register_module("sub_norm", std::make_shared<RMSNorm>(RMSNormConfig{c.d_ff, c.norm_eps}));
  down = make_projection(*this, "down", c.d_ff, c.d_model, c.ternary, c.out_init_std, gen);
}

Tensor GluFfn::forward(const Tensor& x) const {
  const Tensor g = gate(x);
  Tensor h = (config_.activation == GluActivation::silu ? silu(g) : relu2(g)) * up(x);
  if (sub_norm) h = sub_norm->forward(h);
  return down(h);
}

}  // namespace trit::nn

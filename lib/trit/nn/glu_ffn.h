#pragma once
// Gated feed-forward block: FFN(x) = Wd(subnorm(act(Wg x) * Wu x)), act = silu (SwiGLU, what
// llama.cpp's llama and bitnet graphs compute) or relu^2 (BitNet b1.58 2B4T). Shapes:
// x [..., C] -> [..., C] through a hidden width F.
#include <memory>
#include <string>

#include "trit/nn/module.h"
#include "trit/nn/projection.h"
#include "trit/nn/rms_norm.h"

namespace trit::nn {

enum class GluActivation { silu, relu2 };
GluActivation parse_glu_activation(const std::string& name);  // "swiglu" | "relu2_glu"
const char* glu_activation_name(GluActivation a);

struct GluFfnConfig {
  int64_t d_model = 0;
  int64_t d_ff = 0;
  GluActivation activation = GluActivation::silu;
  bool ternary = true;
  bool sub_norm = true;
  double norm_eps = 1e-5;
  double init_std = 0.02;
  double out_init_std = 0.02;
};

class GluFfn : public Module {
 public:
  GluFfn(const GluFfnConfig& config, Generator& gen);
  Tensor forward(const Tensor& x) const;
  const GluFfnConfig& config() const { return config_; }

  template <typename M>
  std::shared_ptr<M> add_child(const std::string& name, std::shared_ptr<M> m) { return register_module(name, m); }

  Projection gate, up, down;
  std::shared_ptr<RMSNorm> sub_norm;

 private:
  GluFfnConfig config_;
};

}  // namespace trit::nn

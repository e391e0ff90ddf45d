#pragma once
// AdamW (Loshchilov & Hutter), with the same arithmetic as torch.optim.AdamW:
//   p <- p * (1 - lr * wd)                       (decoupled decay, only on selected params)
//   m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2
//   p <- p - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// where t counts the optimizer's steps (1 on the first; one count for all parameters).
// One fused loop per parameter over contiguous data, split across threads.
//
// Which parameters decay is explicit: a predicate on (dotted name, tensor). The default,
// `decay_matrices`, follows nanoGPT: tensors of 2 or more dims decay (linear and BitLinear
// weights, and the token embedding, which is 2-D), vectors do not (norm weights, biases).
#include <functional>
#include <string>
#include <vector>

#include "trit/optim/optimizer.h"

namespace trit::optim {

using DecayPredicate = std::function<bool(const std::string& name, const Tensor& param)>;

// nanoGPT's rule: decay when param.dim() >= 2.
bool decay_matrices(const std::string& name, const Tensor& param);

struct AdamWConfig {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;
  DecayPredicate decay = decay_matrices;
};

class AdamW : public Optimizer {
 public:
  AdamW(std::vector<Tensor> params, const AdamWConfig& config);

  double weight_decay() const { return weight_decay_; }
  void set_weight_decay(double wd);  // schedules may change it per step
  bool decays(size_t index) const { return decays_.at(index); }
  const AdamWConfig& config() const { return config_; }

 protected:
  void update(size_t index, Tensor& param, const Tensor& grad) override;
  std::vector<std::string> buffer_names() const override { return {"exp_avg", "exp_avg_sq"}; }

 private:
  AdamWConfig config_;
  double weight_decay_;
  std::vector<bool> decays_;
};

}  // namespace trit::optim

#pragma once
// SGD with optional momentum (heavy ball or Nesterov) and L2 weight decay, with the same
// arithmetic as torch.optim.SGD:
//   g <- g + wd p
//   with momentum mu: b <- g on the first step, else b <- mu b + (1 - dampening) g;
//                     g <- g + mu b (nesterov) or g <- b
//   p <- p - lr g
#include <string>
#include <vector>

#include "trit/optim/optimizer.h"

namespace trit::optim {

struct SGDConfig {
  double lr = 1e-2;
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;
  double weight_decay = 0.0;  // applied to every parameter (coupled L2, as torch)
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, const SGDConfig& config);
  const SGDConfig& config() const { return config_; }

 protected:
  void update(size_t index, Tensor& param, const Tensor& grad) override;
  std::vector<std::string> buffer_names() const override { return {"momentum_buffer"}; }

 private:
  SGDConfig config_;
};

}  // namespace trit::optim

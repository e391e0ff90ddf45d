#pragma once
// Dynamic loss scaling for float16 training (torch.cuda.amp.GradScaler's rule). Small float16
// gradients underflow; multiplying the loss by a large scale before backward keeps them
// representable, and dividing the gradients by it afterwards restores their values.
//
//   scaler.scale(loss).backward();
//   if (scaler.unscale(params)) { clip...; opt.step(); }   // false: inf/nan, skip the step
//   scaler.update();
//
// update(): after an overflow the scale shrinks by backoff_factor (not below min_scale) and
// the count of good steps restarts; after growth_interval good steps in a row it grows by
// growth_factor. bfloat16 has float32's range and needs no scaling.
//
// state_dict() keys (the checkpoint's optim/ group, next to the optimizer's):
//   "loss_scale.scale" (f64 scalar), "loss_scale.good_steps" (f64 scalar, an integer).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "trit/core/tensor.h"

namespace trit::optim {

struct LossScalerConfig {
  double init_scale = 65536.0;
  double growth_factor = 2.0;
  double backoff_factor = 0.5;
  int64_t growth_interval = 2000;
  double min_scale = 1.0;
};

class DynamicLossScaler {
 public:
  explicit DynamicLossScaler(const LossScalerConfig& config = {});

  double scale() const { return scale_; }
  int64_t good_steps() const { return good_steps_; }
  Tensor scale(const Tensor& loss) const;  // loss * scale (differentiable)
  // Divides every gradient by the scale in place; true when all are finite. Records the
  // outcome for update(). Call once per step, after backward.
  bool unscale(const std::vector<Tensor>& params);
  void update();

  std::map<std::string, Tensor> state_dict() const;
  void load_state_dict(const std::map<std::string, Tensor>& state);  // ignores other keys

 private:
  LossScalerConfig config_;
  double scale_;
  int64_t good_steps_ = 0;
  bool found_inf_ = false;
  bool unscaled_ = false;
};

}  // namespace trit::optim

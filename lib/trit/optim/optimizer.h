#pragma once
// Optimizer base: a flat list of named parameters (no param groups), a learning rate that a
// schedule sets before each step, and state that round-trips through named tensors for
// checkpoints.
//
// Parameter names are the tensors' names (Module gives them their dotted names); a tensor
// without a name is called "param.<index>". Names must be unique.
//
// state_dict() keys (the checkpoint's optim/ group):
//   "step"                    f64 scalar, the number of steps taken (exact up to 2^53)
//   "<param>.<buffer>"        one tensor per buffer per parameter, of the parameter's shape
//                             and dtype: "exp_avg"/"exp_avg_sq" (AdamW), "momentum_buffer" (SGD)
// A buffer is created at a parameter's first update, so a parameter that never had a gradient
// has no entry. Hyperparameters (lr, betas, ...) are not state: the run's config and the
// schedule give them again on resume.
//
// step() runs under NoGradGuard, skips parameters whose grad is undefined, updates the others
// in place and bumps their storage version (so a graph saved before the step reports it).
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "trit/core/tensor.h"

namespace trit::optim {

using OptimizerState = std::map<std::string, Tensor>;

class Optimizer {
 public:
  Optimizer(std::vector<Tensor> params, double lr);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  void step();
  void zero_grad();  // drops every parameter's grad (undefined, as torch's set_to_none)

  double lr() const { return lr_; }
  void set_lr(double lr);
  int64_t step_count() const { return step_; }
  const std::vector<Tensor>& params() const { return params_; }
  const std::vector<std::string>& names() const { return names_; }

  OptimizerState state_dict() const;
  // Replaces the state. Every "<param>.<buffer>" key must name a parameter of this optimizer
  // and a buffer of its kind, with the parameter's shape and dtype; "step" must be present.
  void load_state_dict(const OptimizerState& state);

 protected:
  // One parameter's update, with step_count() already counting this step (1 on the first).
  virtual void update(size_t index, Tensor& param, const Tensor& grad) = 0;
  // The buffer names this optimizer keeps per parameter (e.g. {"exp_avg", "exp_avg_sq"}).
  virtual std::vector<std::string> buffer_names() const = 0;
  // The buffer `name` of parameter i, created as zeros of the parameter's shape and dtype.
  Tensor& buffer(size_t index, const std::string& name);
  bool has_buffer(size_t index, const std::string& name) const;

 private:
  std::vector<Tensor> params_;
  std::vector<std::string> names_;
  std::vector<std::map<std::string, Tensor>> buffers_;  // per parameter
  double lr_;
  int64_t step_ = 0;
};

// Fails unless t is a contiguous f32 or f64 CPU tensor (or, when the optimizer has a CUDA
// kernel, `cuda_f32`, a contiguous f32 CUDA tensor); `what` names the caller.
void check_optimizable(const Tensor& t, const char* what, bool cuda_f32 = false);

}  // namespace trit::optim

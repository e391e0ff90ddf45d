#include "trit/optim/loss_scale.h"

#include <algorithm>
#include <cmath>

#include "trit/autograd/grad_mode.h"
#include "trit/ops/binary.h"
#include "trit/ops/reduce.h"

namespace trit::optim {
namespace {

bool all_finite(const Tensor& g) {
  if (g.device().is_cuda()) {
    // One value back from the device: the sum (accumulated in double) is finite exactly when
    // every element is, for gradients far below 1e38 in total (inf and NaN propagate).
    return std::isfinite(sum(g.dtype() == DType::f32 ? g : g.to(DType::f32)).item());
  }
  const Tensor c = g.dtype() == DType::f32 || g.dtype() == DType::f64 ? g.contiguous() : g.to(DType::f32);
  if (c.dtype() == DType::f64) {
    const double* p = c.data<double>();
    for (int64_t i = 0, n = c.numel(); i < n; ++i)
      if (!std::isfinite(p[i])) return false;
  } else {
    const float* p = c.data<float>();
    for (int64_t i = 0, n = c.numel(); i < n; ++i)
      if (!std::isfinite(p[i])) return false;
  }
  return true;
}

double scalar_entry(const std::map<std::string, Tensor>& state, const std::string& key) {
  auto it = state.find(key);
  TRIT_CHECK(it != state.end() && it->second.defined() && it->second.numel() == 1,
             "loss scaler load_state_dict: no one-element \"", key, "\" entry");
  return it->second.item();
}

}  // namespace

DynamicLossScaler::DynamicLossScaler(const LossScalerConfig& c) : config_(c), scale_(c.init_scale) {
  TRIT_CHECK(std::isfinite(c.init_scale) && c.init_scale > 0, "loss scaler: init_scale ", c.init_scale,
             " must be positive");
  TRIT_CHECK(c.growth_factor > 1, "loss scaler: growth_factor ", c.growth_factor, " must exceed 1");
  TRIT_CHECK(c.backoff_factor > 0 && c.backoff_factor < 1, "loss scaler: backoff_factor ", c.backoff_factor,
             " must lie in (0, 1)");
  TRIT_CHECK(c.growth_interval > 0, "loss scaler: growth_interval ", c.growth_interval, " must be positive");
  TRIT_CHECK(c.min_scale > 0 && c.min_scale <= c.init_scale, "loss scaler: min_scale ", c.min_scale,
             " must be positive and at most init_scale");
}

Tensor DynamicLossScaler::scale(const Tensor& loss) const { return loss * scale_; }

bool DynamicLossScaler::unscale(const std::vector<Tensor>& params) {
  TRIT_CHECK(!unscaled_, "loss scaler: unscale called twice before update");
  NoGradGuard no_grad;
  found_inf_ = false;
  for (const Tensor& p : params) {
    const Tensor g = p.grad();
    if (g.defined() && !all_finite(g)) found_inf_ = true;
  }
  if (!found_inf_) {
    for (const Tensor& p : params) {
      Tensor g = p.grad();
      if (g.defined()) mul_(g, 1.0 / scale_);
    }
  }
  unscaled_ = true;
  return !found_inf_;
}

void DynamicLossScaler::update() {
  TRIT_CHECK(unscaled_, "loss scaler: update called without unscale for this step");
  unscaled_ = false;
  if (found_inf_) {
    scale_ = std::max(config_.min_scale, scale_ * config_.backoff_factor);
    good_steps_ = 0;
  } else if (++good_steps_ >= config_.growth_interval) {
    scale_ *= config_.growth_factor;
    good_steps_ = 0;
  }
}

std::map<std::string, Tensor> DynamicLossScaler::state_dict() const {
  return {{"loss_scale.scale", Tensor::scalar(scale_, DType::f64)},
          {"loss_scale.good_steps", Tensor::scalar(double(good_steps_), DType::f64)}};
}

void DynamicLossScaler::load_state_dict(const std::map<std::string, Tensor>& state) {
  const double s = scalar_entry(state, "loss_scale.scale");
  const double n = scalar_entry(state, "loss_scale.good_steps");
  TRIT_CHECK(std::isfinite(s) && s > 0, "loss scaler load_state_dict: scale ", s, " must be positive");
  TRIT_CHECK(n >= 0 && n == std::floor(n) && n < double(config_.growth_interval),
             "loss scaler load_state_dict: good_steps ", n, " must be an integer in [0, growth_interval)");
  scale_ = s;
  good_steps_ = int64_t(n);
  unscaled_ = false;
  found_inf_ = false;
}

}  // namespace trit::optim

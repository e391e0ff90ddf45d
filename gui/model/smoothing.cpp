#include "model/smoothing.h"

#include <algorithm>
#include <cmath>

namespace trit::monitor {
namespace {

double clamp_weight(double w) { return std::clamp(std::isfinite(w) ? w : 0.0, 0.0, kMaxSmoothingWeight); }

bool all_equal(const std::vector<double>& v) {
  // Written as TensorBoard's `every(v == first)`: NaN != NaN, so a NaN makes it non-constant.
  for (double x : v)
    if (!(x == v.front())) return false;
  return true;
}

}  // namespace

std::vector<double> smooth_tensorboard(const std::vector<double>& values, double weight) {
  const double w = clamp_weight(weight);
  std::vector<double> out(values.size());
  if (values.empty()) return out;
  if (all_equal(values)) return values;
  double last = 0.0;
  double w_pow = 1.0;  // w^num_accum, kept as a running product: no pow() per point
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!std::isfinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1.0 - w) * v;
    w_pow *= w;
    out[i] = last / (1.0 - w_pow);
  }
  return out;
}

const std::vector<double>& SmoothedCache::update(const std::vector<double>& values,
                                                 uint64_t generation, double weight) {
  const double w = clamp_weight(weight);
  const bool stale = generation != generation_ || w != weight_ || values.size() < smoothed_.size();
  bool still_constant = constant_;
  if (!stale && still_constant)
    for (size_t i = smoothed_.size(); i < values.size() && still_constant; ++i)
      still_constant = values[i] == values.front();
  if (stale || (constant_ && !still_constant)) {
    smoothed_ = smooth_tensorboard(values, w);
    ++version_;
    generation_ = generation;
    weight_ = w;
    constant_ = values.empty() || all_equal(values);
    // Rebuild the running state so later appends continue where the full pass ended.
    last_ = 0.0;
    w_pow_ = 1.0;
    if (!constant_)
      for (double v : values)
        if (std::isfinite(v)) {
          last_ = last_ * w + (1.0 - w) * v;
          w_pow_ *= w;
        }
    return smoothed_;
  }
  for (size_t i = smoothed_.size(); i < values.size(); ++i) {
    const double v = values[i];
    if (constant_ || !std::isfinite(v)) {
      smoothed_.push_back(v);
      continue;
    }
    last_ = last_ * w + (1.0 - w) * v;
    w_pow_ *= w;
    smoothed_.push_back(last_ / (1.0 - w_pow_));
  }
  return smoothed_;
}

}  // namespace trit::monitor

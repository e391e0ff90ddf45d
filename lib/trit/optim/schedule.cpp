#include "trit/optim/schedule.h"

#include <cmath>

#include "trit/core/error.h"

namespace trit::optim {
namespace {

void check_rate(const char* schedule, const char* field, double v) {
  TRIT_CHECK(std::isfinite(v) && v >= 0, schedule, ": ", field, " = ", v, " must be finite and >= 0");
}

void check_steps(const char* schedule, int64_t warmup, int64_t decay_end, const char* end_name) {
  TRIT_CHECK(warmup >= 0, schedule, ": warmup_steps = ", warmup, " must be >= 0");
  TRIT_CHECK(decay_end > warmup, schedule, ": ", end_name, " = ", decay_end, " must exceed warmup_steps = ", warmup);
}

void check_step(const char* schedule, int64_t step) {
  TRIT_CHECK(step >= 0, schedule, ": step ", step, " is negative");
}

double warmup_lr(double peak, int64_t step, int64_t warmup) { return peak * double(step + 1) / double(warmup); }

// Fraction of the way from `begin` to `end` (both steps), for begin <= step < end.
double progress(int64_t step, int64_t begin, int64_t end) { return double(step - begin) / double(end - begin); }

}  // namespace

double WarmupCosine::lr(int64_t step) const {
  check_rate("WarmupCosine", "max_lr", max_lr);
  check_rate("WarmupCosine", "min_lr", min_lr);
  check_steps("WarmupCosine", warmup_steps, total_steps, "total_steps");
  check_step("WarmupCosine", step);
  if (step < warmup_steps) return warmup_lr(max_lr, step, warmup_steps);
  if (step >= total_steps) return min_lr;
  const double c = 0.5 * (1.0 + std::cos(M_PI * progress(step, warmup_steps, total_steps)));
  return min_lr + (max_lr - min_lr) * c;
}

double WarmupLinear::lr(int64_t step) const {
  check_rate("WarmupLinear", "max_lr", max_lr);
  check_rate("WarmupLinear", "min_lr", min_lr);
  check_steps("WarmupLinear", warmup_steps, total_steps, "total_steps");
  check_step("WarmupLinear", step);
  if (step < warmup_steps) return warmup_lr(max_lr, step, warmup_steps);
  if (step >= total_steps) return min_lr;
  return max_lr + (min_lr - max_lr) * progress(step, warmup_steps, total_steps);
}

double WarmupConstant::lr(int64_t step) const {
  check_rate("WarmupConstant", "lr", lr_value);
  TRIT_CHECK(warmup_steps >= 0, "WarmupConstant: warmup_steps = ", warmup_steps, " must be >= 0");
  check_step("WarmupConstant", step);
  return step < warmup_steps ? warmup_lr(lr_value, step, warmup_steps) : lr_value;
}

double BitNetTwoStage::lr(int64_t step) const {
  const char* name = "BitNetTwoStage";
  check_rate(name, "stage1_peak_lr", stage1_peak_lr);
  check_rate(name, "stage1_end_lr", stage1_end_lr);
  check_rate(name, "stage2_peak_lr", stage2_peak_lr);
  check_rate(name, "stage2_end_lr", stage2_end_lr);
  check_steps(name, warmup_steps, midpoint(), "total_steps / 2");
  check_step(name, step);
  const int64_t mid = midpoint();
  if (step < warmup_steps) return warmup_lr(stage1_peak_lr, step, warmup_steps);
  if (step < mid) return stage1_peak_lr + (stage1_end_lr - stage1_peak_lr) * progress(step, warmup_steps, mid);
  if (step < total_steps) return stage2_peak_lr + (stage2_end_lr - stage2_peak_lr) * progress(step, mid, total_steps);
  return stage2_end_lr;
}

double BitNetTwoStage::weight_decay(int64_t step) const {
  const char* name = "BitNetTwoStage";
  check_rate(name, "peak_weight_decay", peak_weight_decay);
  check_steps(name, warmup_steps, midpoint(), "total_steps / 2");
  check_step(name, step);
  const int64_t mid = midpoint();
  if (step >= mid) return 0.0;
  return peak_weight_decay * 0.5 * (1.0 + std::cos(M_PI * double(step) / double(mid)));
}

}  // namespace trit::optim

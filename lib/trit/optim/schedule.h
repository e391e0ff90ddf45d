#pragma once
// Learning-rate (and weight-decay) schedules: pure functions of the step index. `step` is
// 0-based: lr(s) is the rate for the update that takes the optimizer from s to s + 1 steps.
// Past total_steps every schedule holds its final value. Each call checks its parameters
// and throws trit::Error naming the schedule and the bad field.
//
// Warmup (shared by all): for s < warmup_steps, lr = peak * (s + 1) / warmup_steps, so the
// first update already moves (as llm.c) and the peak is reached at s = warmup_steps - 1.
#include <cstdint>

namespace trit::optim {

// Warmup, then cosine from max_lr at s = warmup_steps to min_lr at s = total_steps:
//   lr = min_lr + (max_lr - min_lr) * 0.5 * (1 + cos(pi * (s - warmup) / (total - warmup)))
struct WarmupCosine {
  double max_lr = 0.0;
  double min_lr = 0.0;
  int64_t warmup_steps = 0;
  int64_t total_steps = 0;
  double lr(int64_t step) const;
};

// Warmup, then a straight line from max_lr at s = warmup_steps to min_lr at s = total_steps.
struct WarmupLinear {
  double max_lr = 0.0;
  double min_lr = 0.0;
  int64_t warmup_steps = 0;
  int64_t total_steps = 0;
  double lr(int64_t step) const;
};

// Warmup, then constant.
struct WarmupConstant {
  double lr_value = 0.0;
  int64_t warmup_steps = 0;
  double lr(int64_t step) const;
};

// BitNet b1.58's two-stage schedule ("The Era of 1-bit LLMs: Training Tips, Code and FAQ";
// also the 2B4T report). With mid = total_steps / 2 (integer division):
//   stage 1, s < mid: warmup to stage1_peak_lr, then linear decay reaching stage1_end_lr at
//     s = mid:  lr = peak1 + (end1 - peak1) * (s - warmup) / (mid - warmup)
//   stage 2, mid <= s < total: the rate drops to stage2_peak_lr and decays linearly to
//     stage2_end_lr at s = total:  lr = peak2 + (end2 - peak2) * (s - mid) / (total - mid)
//   weight decay: cosine from peak_weight_decay at s = 0 to 0 at s = mid,
//     wd = peak_wd * 0.5 * (1 + cos(pi * s / mid)), and 0 in stage 2.
// The paper's 700M/1.3B settings are peak1 1.5e-3 -> end1 1e-3, then peak2 1e-3 -> end2
// 1.5e-4 (3B: 1.2e-3 -> 8e-4, then 8e-4 -> 1.2e-4), peak weight decay 0.1.
struct BitNetTwoStage {
  double stage1_peak_lr = 1.5e-3;
  double stage1_end_lr = 1.0e-3;
  double stage2_peak_lr = 1.0e-3;
  double stage2_end_lr = 1.5e-4;
  double peak_weight_decay = 0.1;
  int64_t warmup_steps = 0;
  int64_t total_steps = 0;
  double lr(int64_t step) const;
  double weight_decay(int64_t step) const;
  int64_t midpoint() const { return total_steps / 2; }
};

}  // namespace trit::optim

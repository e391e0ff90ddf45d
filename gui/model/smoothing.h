#pragma once
// TensorBoard's scalar smoothing: a debiased exponential moving average.
//   last = last * w + (1 - w) * v;  num_accum += 1;          (finite v only)
//   smoothed = last / (1 - w^num_accum)
// with last = 0 and num_accum = 0 at the start (w^num_accum is kept as a running product).
// w is at most 0.999 here, so TensorBoard's special case for w == 1 cannot arise. Non-finite values pass through unchanged
// and do not advance the average; a constant series is returned as is (TensorBoard #786:
// no rounding noise on flat lines). TensorBoard accepts weights from 0 to 0.999.
#include <cstdint>
#include <vector>

namespace trit::monitor {

constexpr double kMaxSmoothingWeight = 0.999;

std::vector<double> smooth_tensorboard(const std::vector<double>& values, double weight);

// Keeps a smoothed copy of a growing series current, extending it on append and
// recomputing only when points were removed, the weight changed or constancy broke.
class SmoothedCache {
 public:
  const std::vector<double>& update(const std::vector<double>& values, uint64_t generation,
                                    double weight);
  // Changes whenever earlier smoothed values changed (a full recompute), not on appends.
  uint64_t version() const { return version_; }

 private:
  uint64_t version_ = 0;
  std::vector<double> smoothed_;
  uint64_t generation_ = UINT64_MAX;
  double weight_ = -1.0;
  double last_ = 0.0;
  double w_pow_ = 1.0;  // w^num_accum
  bool constant_ = true;
};

}  // namespace trit::monitor

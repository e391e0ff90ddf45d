#pragma once
// One scalar series of one run ("train/loss", "val/bpb", ...): points kept in step order,
// stored column-wise so that plotting can walk one column without touching the others.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace trit::monitor {

enum class XAxis { Step, Tokens, RelativeTime, WallTime };

class Series {
 public:
  explicit Series(std::string name = {}) : name_(std::move(name)), generation_(next_generation()) {}

  // Appends a point. When a run is resumed from an earlier checkpoint its log goes back in
  // steps: like TensorBoard, every earlier point with step >= `step` is dropped first as
  // orphaned, so the curve never folds back on itself.
  void append(long long step, double time, double tokens, double value);
  // Removes every point with step >= `step` (orphans of a restarted run).
  void drop_from(long long step);
  void clear();
  void reserve(size_t n);

  const std::string& name() const { return name_; }
  size_t size() const { return steps_.size(); }
  bool empty() const { return steps_.empty(); }
  const std::vector<double>& steps() const { return steps_; }
  const std::vector<double>& times() const { return times_; }
  const std::vector<double>& tokens() const { return tokens_; }
  const std::vector<double>& values() const { return values_; }
  // The x column for an axis; relative time is wall time minus `time_origin` (done by the
  // caller through an offset, so this returns the wall-time column for both time axes).
  const std::vector<double>& x_column(XAxis axis) const;

  // Changes whenever points are removed (reset or resume drop), and differs between any
  // two series: caches keyed on (generation, size) stay valid across plain appends only.
  uint64_t generation() const { return generation_; }
  size_t bytes_held() const;

 private:
  std::string name_;
  std::vector<double> steps_, times_, tokens_, values_;
  uint64_t generation_;
  static uint64_t next_generation();
};

}  // namespace trit::monitor

#include "model/series.h"

#include <atomic>

namespace trit::monitor {

uint64_t Series::next_generation() {
  // Unique across all series, so a cache never mistakes a new series that happens to sit
  // at a freed one's address for the old one.
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}

void Series::drop_from(long long step) {
  const double s = static_cast<double>(step);
  if (steps_.empty() || steps_.back() < s) return;
  size_t keep = steps_.size();
  while (keep > 0 && steps_[keep - 1] >= s) --keep;
  steps_.resize(keep);
  times_.resize(keep);
  tokens_.resize(keep);
  values_.resize(keep);
  generation_ = next_generation();
}

void Series::append(long long step, double time, double tokens, double value) {
  drop_from(step);
  const double s = static_cast<double>(step);
  steps_.push_back(s);
  times_.push_back(time);
  tokens_.push_back(tokens);
  values_.push_back(value);
}

void Series::clear() {
  steps_.clear();
  times_.clear();
  tokens_.clear();
  values_.clear();
  generation_ = next_generation();
}

void Series::reserve(size_t n) {
  steps_.reserve(n);
  times_.reserve(n);
  tokens_.reserve(n);
  values_.reserve(n);
}

const std::vector<double>& Series::x_column(XAxis axis) const {
  switch (axis) {
    case XAxis::Tokens: return tokens_;
    case XAxis::RelativeTime:
    case XAxis::WallTime: return times_;
    case XAxis::Step: break;
  }
  return steps_;
}

size_t Series::bytes_held() const {
  return (steps_.capacity() + times_.capacity() + tokens_.capacity() + values_.capacity()) *
         sizeof(double);
}

}  // namespace trit::monitor

#pragma once
// Choosing a y range for a plot: either the full extent of the finite values or, to keep
// one spike from flattening the curve, the 5th to 95th percentile (TensorBoard's "ignore
// outliers in chart scaling" idea), then padded a little so curves do not touch the frame.
#include <cstddef>
#include <optional>
#include <vector>

namespace trit::monitor {

struct Range {
  double lo = 0.0, hi = 1.0;
};

// Percentile p in [0, 100] of the finite values, with linear interpolation between the
// order statistics (numpy's default "linear" method). nullopt when none are finite.
std::optional<double> percentile(std::vector<double> values, double p);

// The range from `lo_pct` to `hi_pct` percentile of the finite values (positive only when
// `positive_only`), or nullopt when there are none. The full range (0 to 100) is exact;
// for other percentiles up to `max_samples` values are used: beyond that an even stride
// picks them, so ranging a million points stays cheap (the result is then approximate).
struct ValueSpan {
  const double* data;
  size_t size;
};
std::optional<Range> percentile_range(const std::vector<ValueSpan>& columns,
                                      double lo_pct, double hi_pct, bool positive_only,
                                      size_t max_samples = 50000);

// Pads a range by `fraction` of its span on each side (in log10 space when `log`), and
// widens an empty range so it can be drawn.
Range pad_range(Range r, double fraction, bool log);

// "Nice" tick positions (1, 2, 5 x 10^k steps) covering [lo, hi], about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target);

// Tick positions in seconds on clock-friendly steps (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10,
// 15, 30 min, 1, 2, 3, 6, 12 h, 1, 2, 7 days), at most about `target` of them, aligned to
// whole steps of (t + offset): offset is 0 for relative time, the local time zone's
// offset from UTC for wall time.
std::vector<double> time_ticks(double lo, double hi, int target, double offset);

}  // namespace trit::monitor

#pragma once
// Per-pixel-column min/max decimation: of all points that fall into one pixel column, keep
// the first, the lowest, the highest and the last (in their original order). Drawn as a
// polyline, the result covers exactly the vertical extent the full data would paint in
// that column, so a one-point spike never vanishes, and a million points reduce to at most
// four per column before anything is drawn.
#include <cstddef>
#include <vector>

namespace trit::monitor {

struct ColumnMapping {
  double x0 = 0.0;            // data x at the left edge of column 0
  double columns_per_x = 1.0; // pixel columns per unit of x
};

// Indices (ascending) into xs/ys of the points to keep among [begin, end). Points whose x
// or y is not finite, or whose y is not positive when `positive_only` (log axes), are
// skipped. A column is floor((x - x0) * columns_per_x).
std::vector<size_t> decimate_min_max(const double* xs, const double* ys, size_t begin, size_t end,
                                     const ColumnMapping& map, bool positive_only);

// [first, last) index range of points with x in [lo, hi] in a nondecreasing x column,
// widened by one point on each side so lines run off the edge of the plot.
std::pair<size_t, size_t> visible_range(const std::vector<double>& xs, double lo, double hi);

}  // namespace trit::monitor

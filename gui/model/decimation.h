#pragma once
// Per-pixel-column min/max decimation: of all points that fall into one pixel column, keep
// the first, the lowest, the highest and the last (in their original order). Drawn as a
// polyline, the result covers exactly the vertical extent the full data would paint in
// that column, so a one-point spike never vanishes, and a million points reduce to at most
// four per column before anything is drawn.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace trit::monitor {

struct ColumnMapping {
  double x0 = 0.0;            // data x at the left edge of column 0
  double columns_per_x = 1.0; // pixel columns per unit of x
};

// Summaries of fixed blocks of a value column (first/last finite index, lowest and highest
// finite value and where), so decimation can take a whole block lying inside one pixel
// column in O(1) instead of reading its points. Kept current as the column grows.
class MinMaxBlocks {
 public:
  static constexpr size_t kBlock = 64;
  struct Block {
    double lo_v, hi_v;
    uint32_t first, last, lo, hi;  // indices of the column (first == UINT32_MAX: none finite)
  };
  // Brings the summaries up to date with `values` (appends: only the tail is redone).
  void update(const std::vector<double>& values, uint64_t generation);
  const std::vector<Block>& blocks() const { return blocks_; }
  size_t covered() const { return covered_; }  // values summarised (whole blocks only)

 private:
  std::vector<Block> blocks_;
  size_t covered_ = 0;
  uint64_t generation_ = UINT64_MAX;
};

// Indices (ascending) into xs/ys of the points to keep among [begin, end). Points whose x
// or y is not finite, or whose y is not positive when `positive_only` (log axes), are
// skipped. A column is floor((x - x0) * columns_per_x). With `blocks` (summaries of ys),
// whole blocks that fall inside one column are taken from their summary: same result,
// far less memory read when there are many points per column.
std::vector<size_t> decimate_min_max(const double* xs, const double* ys, size_t begin, size_t end,
                                     const ColumnMapping& map, bool positive_only,
                                     const MinMaxBlocks* blocks = nullptr);

// [first, last) index range of points with x in [lo, hi] in a nondecreasing x column,
// widened by one point on each side so lines run off the edge of the plot.
std::pair<size_t, size_t> visible_range(const std::vector<double>& xs, double lo, double hi);

}  // namespace trit::monitor

#include "model/decimation.h"

#include <algorithm>
#include <cmath>

namespace trit::monitor {
namespace {

// Appends one column's picks in index order, each once. A plain function, not a lambda
// capturing the loop's state by reference: that would keep the state in memory in the loop.
void push_column(std::vector<size_t>& out, size_t first, size_t lo, size_t hi, size_t last) {
  size_t picks[4] = {first, lo, hi, last};
  std::sort(picks, picks + 4);
  for (size_t k = 0; k < 4; ++k)
    if (out.empty() || out.back() != picks[k]) out.push_back(picks[k]);
}

}  // namespace

void MinMaxBlocks::update(const std::vector<double>& values, uint64_t generation) {
  if (generation != generation_ || values.size() < covered_) {
    blocks_.clear();
    covered_ = 0;
    generation_ = generation;
  }
  while (covered_ + kBlock <= values.size()) {
    Block b{INFINITY, -INFINITY, UINT32_MAX, 0, 0, 0};
    for (size_t i = covered_; i < covered_ + kBlock; ++i) {
      const double y = values[i];
      if (!(y - y == 0)) continue;
      const auto idx = static_cast<uint32_t>(i);
      if (b.first == UINT32_MAX) b.first = b.lo = b.hi = idx, b.lo_v = b.hi_v = y;
      if (y < b.lo_v) b.lo_v = y, b.lo = idx;
      if (y > b.hi_v) b.hi_v = y, b.hi = idx;
      b.last = idx;
    }
    blocks_.push_back(b);
    covered_ += kBlock;
  }
}

namespace {

// The running state of one pixel column while decimating.
struct ColumnState {
  bool open = false;
  size_t first = 0, lo = 0, hi = 0, last = 0;
  double lo_v = 0, hi_v = 0, col_lo = INFINITY, col_hi = -INFINITY;
};

// Starts the column holding t (t finite), flushing the previous one.
inline void start_column(std::vector<size_t>& out, ColumnState& s, double t, size_t i, double y) {
  if (s.open) push_column(out, s.first, s.lo, s.hi, s.last);
  s.open = true;
  // Far off-screen points share the outermost columns: keeps the arithmetic bounded.
  const double c = std::clamp(std::floor(t), -1e15, 1e15);
  s.col_lo = c == -1e15 ? -INFINITY : c;
  s.col_hi = c == 1e15 ? INFINITY : c + 1.0;
  s.first = s.lo = s.hi = s.last = i;
  s.lo_v = s.hi_v = y;
}

// floor(t) == column  <=>  column <= t < column + 1: two compares per point instead of a
// floor call; the running min and max are kept as values (conditional moves, no
// data-dependent branches).
void scan_points(std::vector<size_t>& out, ColumnState& state, const double* xs, const double* ys,
                 size_t begin, size_t end, const ColumnMapping& map, bool positive_only) {
  // Work on a local copy: through the reference the compiler would keep the state in
  // memory (it may alias `out`), turning each point into loads and stores.
  ColumnState s = state;
  for (size_t i = begin; i < end; ++i) {
    const double y = ys[i];
    if (!(y - y == 0) || (positive_only && !(y > 0))) continue;  // y - y is NaN for NaN, inf
    const double t = (xs[i] - map.x0) * map.columns_per_x;
    if (t >= s.col_lo && t < s.col_hi) {
      s.lo = y < s.lo_v ? i : s.lo;
      s.lo_v = std::min(s.lo_v, y);
      s.hi = y > s.hi_v ? i : s.hi;
      s.hi_v = std::max(s.hi_v, y);
      s.last = i;
      continue;
    }
    if (!std::isfinite(t)) continue;
    start_column(out, s, t, i, y);
  }
  state = s;
}

}  // namespace

std::vector<size_t> decimate_min_max(const double* xs, const double* ys, size_t begin, size_t end,
                                     const ColumnMapping& map, bool positive_only,
                                     const MinMaxBlocks* blocks) {
  std::vector<size_t> out;
  out.reserve(std::min<size_t>(end - begin, 8192));
  ColumnState s;
  if (!blocks) {
    scan_points(out, s, xs, ys, begin, end, map, positive_only);
  } else {
    constexpr size_t B = MinMaxBlocks::kBlock;
    const size_t covered = std::min(blocks->covered(), end);
    size_t i = begin;
    while (i < end) {
      const size_t b = i / B;
      if (i % B != 0 || i + B > covered) {  // partial block: point by point
        const size_t stop = std::min(end, i % B != 0 ? (b + 1) * B : end);
        scan_points(out, s, xs, ys, i, stop, map, positive_only);
        i = stop;
        continue;
      }
      const auto& blk = blocks->blocks()[b];
      i += B;
      if (blk.first == UINT32_MAX) continue;  // nothing finite in it
      const double t0 = (xs[blk.first] - map.x0) * map.columns_per_x;
      const double t1 = (xs[blk.last] - map.x0) * map.columns_per_x;
      const bool whole = (!positive_only || blk.lo_v > 0) && t0 - t0 == 0 && t1 - t1 == 0 &&
                         std::floor(t0) == std::floor(t1) && std::abs(t0) < 1e15 && std::abs(t1) < 1e15;
      // Sorted x is assumed for the block's inner points: a block whose ends share a column
      // is taken whole only if its x column is monotone there, which sorted data is.
      if (!whole) {
        scan_points(out, s, xs, ys, i - B, i, map, positive_only);
        continue;
      }
      if (!(t0 >= s.col_lo && t0 < s.col_hi)) start_column(out, s, t0, blk.first, ys[blk.first]);
      if (blk.lo_v < s.lo_v) s.lo_v = blk.lo_v, s.lo = blk.lo;
      if (blk.hi_v > s.hi_v) s.hi_v = blk.hi_v, s.hi = blk.hi;
      s.last = blk.last;
    }
  }
  if (s.open) push_column(out, s.first, s.lo, s.hi, s.last);
  return out;
}

std::pair<size_t, size_t> visible_range(const std::vector<double>& xs, double lo, double hi) {
  // NaN x values (e.g. no "tokens" yet) sort as neither less nor greater: they only appear
  // at the start of a column, so skip them before searching.
  size_t start = 0;
  while (start < xs.size() && !std::isfinite(xs[start])) ++start;
  auto b = std::lower_bound(xs.begin() + static_cast<long>(start), xs.end(), lo);
  auto e = std::upper_bound(b, xs.end(), hi);
  size_t first = static_cast<size_t>(b - xs.begin());
  size_t last = static_cast<size_t>(e - xs.begin());
  if (first > start) --first;
  if (last < xs.size()) ++last;
  return {first, last};
}

}  // namespace trit::monitor

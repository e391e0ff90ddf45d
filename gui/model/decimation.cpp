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

std::vector<size_t> decimate_min_max(const double* xs, const double* ys, size_t begin, size_t end,
                                     const ColumnMapping& map, bool positive_only) {
  std::vector<size_t> out;
  out.reserve(std::min<size_t>(end - begin, 8192));
  bool open = false;
  size_t first = 0, lo = 0, hi = 0, last = 0;
  double lo_v = 0, hi_v = 0;
  // floor(t) == column  <=>  column <= t < column + 1: two compares per point instead of a
  // floor call; the column is only recomputed when a point leaves it. The running min and
  // max are kept as values (conditional moves, no data-dependent branches).
  double col_lo = INFINITY, col_hi = -INFINITY;
  for (size_t i = begin; i < end; ++i) {
    const double y = ys[i];
    if (!(y - y == 0) || (positive_only && !(y > 0))) continue;  // y - y is NaN for NaN, inf
    const double t = (xs[i] - map.x0) * map.columns_per_x;
    if (t >= col_lo && t < col_hi) {
      lo = y < lo_v ? i : lo;
      lo_v = std::min(lo_v, y);
      hi = y > hi_v ? i : hi;
      hi_v = std::max(hi_v, y);
      last = i;
      continue;
    }
    if (!std::isfinite(t)) continue;
    if (open) push_column(out, first, lo, hi, last);
    open = true;
    // Far off-screen points share the outermost columns: keeps the arithmetic bounded.
    const double c = std::clamp(std::floor(t), -1e15, 1e15);
    col_lo = c == -1e15 ? -INFINITY : c;
    col_hi = c == 1e15 ? INFINITY : c + 1.0;
    first = lo = hi = last = i;
    lo_v = hi_v = y;
  }
  if (open) push_column(out, first, lo, hi, last);
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

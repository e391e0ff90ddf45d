#include "model/decimation.h"

#include <algorithm>
#include <cmath>

namespace trit::monitor {

std::vector<size_t> decimate_min_max(const double* xs, const double* ys, size_t begin, size_t end,
                                     const ColumnMapping& map, bool positive_only) {
  std::vector<size_t> out;
  out.reserve(std::min<size_t>(end - begin, 8192));
  bool open = false;
  long long column = 0;
  size_t first = 0, lo = 0, hi = 0, last = 0;
  auto flush = [&] {
    size_t picks[4] = {first, lo, hi, last};
    std::sort(picks, picks + 4);
    for (size_t k = 0; k < 4; ++k)
      if (out.empty() || out.back() != picks[k]) out.push_back(picks[k]);
  };
  for (size_t i = begin; i < end; ++i) {
    const double x = xs[i], y = ys[i];
    if (!std::isfinite(x) || !std::isfinite(y) || (positive_only && !(y > 0))) continue;
    const double c = std::floor((x - map.x0) * map.columns_per_x);
    // Far off-screen points share the outermost columns: keeps the arithmetic bounded.
    const long long col = static_cast<long long>(std::clamp(c, -1e15, 1e15));
    if (open && col == column) {
      if (y < ys[lo]) lo = i;
      if (y > ys[hi]) hi = i;
      last = i;
      continue;
    }
    if (open) flush();
    open = true;
    column = col;
    first = lo = hi = last = i;
  }
  if (open) flush();
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

#include "model/value_range.h"

#include <algorithm>
#include <cmath>

namespace trit::monitor {

std::optional<double> percentile(std::vector<double> values, double p) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
               values.end());
  if (values.empty()) return std::nullopt;
  const double pos = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const size_t k = static_cast<size_t>(std::floor(pos));
  const double frac = pos - static_cast<double>(k);
  std::nth_element(values.begin(), values.begin() + static_cast<long>(k), values.end());
  const double a = values[k];
  if (frac == 0.0 || k + 1 >= values.size()) return a;
  // The next order statistic is the smallest of what lies above k.
  const double b = *std::min_element(values.begin() + static_cast<long>(k) + 1, values.end());
  return a + (b - a) * frac;
}

std::optional<Range> percentile_range(const std::vector<ValueSpan>& columns,
                                      double lo_pct, double hi_pct, bool positive_only,
                                      size_t max_samples) {
  if (lo_pct <= 0.0 && hi_pct >= 100.0) {
    // The full extent is cheap and must be exact: a sampled pass could miss the one spike.
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& c : columns)
      for (size_t i = 0; i < c.size; ++i) {
        const double v = c.data[i];
        if (std::isfinite(v) && (!positive_only || v > 0)) lo = std::min(lo, v), hi = std::max(hi, v);
      }
    if (!(lo <= hi)) return std::nullopt;
    return Range{lo, hi};
  }
  size_t total = 0;
  for (const auto& c : columns) total += c.size;
  const size_t stride = std::max<size_t>(1, (total + max_samples - 1) / std::max<size_t>(1, max_samples));
  std::vector<double> pool;
  pool.reserve(std::min(total, max_samples + columns.size()));
  for (const auto& c : columns)
    for (size_t i = 0; i < c.size; i += stride) {
      const double v = c.data[i];
      if (std::isfinite(v) && (!positive_only || v > 0)) pool.push_back(v);
    }
  if (pool.empty()) return std::nullopt;
  return Range{*percentile(pool, lo_pct), *percentile(pool, hi_pct)};
}

Range pad_range(Range r, double fraction, bool log) {
  if (log) {
    double lo = std::log10(std::max(r.lo, 1e-300)), hi = std::log10(std::max(r.hi, 1e-300));
    if (hi - lo < 1e-12) {
      lo -= 0.5;
      hi += 0.5;
    }
    const double pad = (hi - lo) * fraction;
    return {std::pow(10.0, lo - pad), std::pow(10.0, hi + pad)};
  }
  double lo = r.lo, hi = r.hi;
  if (hi - lo <= std::abs(hi) * 1e-12 || hi - lo == 0.0) {
    const double half = std::max(std::abs(hi) * 0.05, 1e-9);
    lo -= half;
    hi += half;
  }
  const double pad = (hi - lo) * fraction;
  return {lo - pad, hi + pad};
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!std::isfinite(lo) || !std::isfinite(hi) || hi <= lo || target < 1) return ticks;
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1.0 : norm < 3.5 ? 2.0 : norm < 7.5 ? 5.0 : 10.0) * mag;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9 && ticks.size() < 1000; t += step)
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

std::vector<double> time_ticks(double lo, double hi, int target, double offset) {
  static constexpr double kSteps[] = {1,    2,    5,     10,    15,    30,    60,     120,    300,   600,
                                      900,  1800, 3600,  7200,  10800, 21600, 43200,  86400,  172800, 604800};
  if (!std::isfinite(lo) || !std::isfinite(hi) || hi <= lo || target < 1) return {};
  double step = 0;
  for (double s : kSteps)
    if ((hi - lo) / s <= target) {
      step = s;
      break;
    }
  if (step == 0 || (hi - lo) / step < 1) {
    // Beyond weeks, or below a second: plain nice numbers (in days or seconds).
    if (step == 0) {
      std::vector<double> days = nice_ticks(lo / 86400.0, hi / 86400.0, target);
      for (double& d : days) d *= 86400.0;
      return days;
    }
    if (hi - lo < 1) return nice_ticks(lo, hi, target);
  }
  std::vector<double> ticks;
  for (double t = std::ceil((lo + offset) / step) * step - offset; t <= hi + step * 1e-9 && ticks.size() < 1000; t += step)
    ticks.push_back(t);
  return ticks;
}

}  // namespace trit::monitor

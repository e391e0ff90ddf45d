#pragma once
// Σ |w[i]| in double, the sum behind BitNet's absmean weight scale. Training (ops/quant.cpp)
// and the runtime's packer (runtime/ternary_pack.cpp) both call this, so both round the same
// sum to the same scale. Sixteen independent partial sums, added at the end: one running sum
// is a chain of dependent double adds (4 cycles each), which made the scale of a TriX layer's
// 192 small tiles 16% of its training step; sixteen chains vectorise and keep the adder busy.
// Each |w| is exact in double, so the order moves the sum by a few ulps of a double, far
// below a float's step: the float scale only changes where the mean sits on a rounding tie.
#include <cmath>
#include <cstdint>

namespace trit {

template <typename T>
double abs_sum(const T* w, int64_t n) {
  constexpr int64_t kLanes = 16;
  double lane[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t k = 0; k < kLanes; ++k) lane[k] += std::fabs(double(w[i + k]));
  double s = 0;
  for (; i < n; ++i) s += std::fabs(double(w[i]));
  for (const double v : lane) s += v;
  return s;
}

}  // namespace trit

#include "trit/optim/clip.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "trit/autograd/grad_mode.h"
#include "trit/core/parallel.h"
#include "trit/ops/binary.h"
#include "trit/ops/reduce.h"

namespace trit::optim {
namespace {

// Sum of squares in double over fixed blocks, the block sums added in order: the result does
// not depend on the thread count or timing (a resumed run clips exactly as the original).
template <typename T>
double sum_squares(const T* p, int64_t n) {
  constexpr int64_t kBlock = 1 << 16;
  const int64_t n_blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> partial(size_t(n_blocks), 0.0);
  parallel_for(n_blocks, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      double s = 0.0;
      for (int64_t i = b * kBlock, end = std::min(n, (b + 1) * kBlock); i < end; ++i) s += double(p[i]) * double(p[i]);
      partial[size_t(b)] = s;
    }
  });
  double total = 0.0;
  for (double s : partial) total += s;
  return total;
}

double grad_sum_squares(const Tensor& grad) {
  if (grad.device().is_cuda()) {
    // On the device (rows summed in double there); one scalar comes back.
    NoGradGuard no_grad;
    return sum(grad * grad).item();
  }
  const Tensor g = grad.is_contiguous() ? grad : grad.contiguous();
  switch (g.dtype()) {
    case DType::f32: return sum_squares(g.data<float>(), g.numel());
    case DType::f64: return sum_squares(g.data<double>(), g.numel());
    default: return sum_squares(g.to(DType::f64).data<double>(), g.numel());
  }
}

}  // namespace

double grad_norm(const std::vector<Tensor>& params) {
  double total = 0.0;
  for (const Tensor& p : params) {
    const Tensor g = p.grad();
    if (g.defined()) total += grad_sum_squares(g);
  }
  return std::sqrt(total);
}

ClipResult clip_grad_norm(const std::vector<Tensor>& params, double max_norm) {
  TRIT_CHECK(std::isfinite(max_norm) && max_norm > 0, "clip_grad_norm: max_norm ", max_norm, " must be positive");
  ClipResult r;
  r.norm = grad_norm(params);
  r.finite = std::isfinite(r.norm);
  if (!r.finite) return r;
  const double coef = max_norm / (r.norm + 1e-6);
  if (coef >= 1.0) return r;
  NoGradGuard no_grad;
  for (const Tensor& p : params) {
    Tensor g = p.grad();
    if (g.defined()) mul_(g, coef);
  }
  r.clipped = true;
  return r;
}

}  // namespace trit::optim

// Rotary position embedding, rotate-half (NEOX) layout, on x [B, H, T, D]. The backward is the
// inverse rotation (sin negated). Angles are computed in double so training and the runtime
// agree to float rounding.
#include "trit/ops/rope.h"

#include <cmath>
#include <vector>

#include "trit/autograd/node.h"
#include "trit/backend/cuda/rope.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/core/parallel.h"
#include "trit/ops/view.h"

namespace trit {
namespace {

Tensor rotate(const Tensor& x, int64_t pos0, double theta, double direction) {
  TRIT_CHECK(x.dim() == 4, "rope: expected x [B, H, T, D], got ", shape_str(x.shape()));
  const int64_t B = x.size(0), H = x.size(1), T = x.size(2), D = x.size(3), half = D / 2;
  TRIT_CHECK(D % 2 == 0, "rope: head dim ", D, " must be even");
#if TRIT_HAVE_CUDA
  if (x.device().is_cuda()) return cuda::rope_rotate(contiguous(x.detach()), pos0, theta, direction);
#endif
  std::vector<double> cs(static_cast<size_t>(T * half)), sn(size_t(T * half));
  for (int64_t t = 0; t < T; ++t)
    for (int64_t i = 0; i < half; ++i) {
      const double angle = double(pos0 + t) * std::pow(theta, -2.0 * double(i) / double(D));
      cs[size_t(t * half + i)] = std::cos(angle);
      sn[size_t(t * half + i)] = direction * std::sin(angle);
    }
  const Tensor xc = contiguous(x.detach());
  Tensor y = Tensor::empty(x.shape(), x.dtype());
  visit_float(x.dtype(), "rope", [&](auto tag) {
    using F = decltype(tag);
    const F* xp = xc.data<F>();
    F* yp = y.data<F>();
    parallel_for(B * H * T, 64, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const int64_t t = r % T;
        const F* in = xp + r * D;
        F* out = yp + r * D;
        for (int64_t i = 0; i < half; ++i) {
          const F c = F(cs[size_t(t * half + i)]), s = F(sn[size_t(t * half + i)]);
          const F a = in[i], bb = in[i + half];
          out[i] = a * c - bb * s;
          out[i + half] = bb * c + a * s;
        }
      }
    });
  });
  return y;
}

}  // namespace

Tensor rope(const Tensor& x, int64_t pos0, double theta) {
  Tensor y = rotate(x, pos0, theta, 1.0);
  if (needs_grad({x})) {
    record("rope", y, {x}, [pos0, theta](const Tensor& g) { return std::vector<Tensor>{rotate(g, pos0, theta, -1.0)}; });
  }
  return y;
}

}  // namespace trit

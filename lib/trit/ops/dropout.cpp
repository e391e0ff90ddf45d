#include "trit/ops/dropout.h"

#include "trit/backend/cpu/elementwise.h"
#include "trit/ops/binary.h"

namespace trit {

Tensor dropout(const Tensor& x, double p, Generator& gen, bool training) {
  TRIT_CHECK(p >= 0.0 && p < 1.0, "dropout: p = ", p, " must be in [0, 1)");
  if (!training || p == 0.0) return x;
  // Keep-mask scaled by 1/(1-p); mul's backward multiplies the gradient by the same mask.
  const Tensor u = Tensor::rand(x.shape(), gen, x.dtype());
  const Tensor mask = cpu::map_unary(u, "dropout", [p](auto v) {
    using T = decltype(v);
    return v >= T(p) ? T(1.0 / (1.0 - p)) : T(0);
  });
  // On a GPU the mask is drawn on the host and copied over: the same numbers as a CPU run.
  return x * (x.device().is_cpu() ? mask : mask.to(x.device()));
}

}  // namespace trit

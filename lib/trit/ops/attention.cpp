// Causal attention with grouped-query heads, composed from primitives (matmul, mask, softmax)
// so its gradient is exact by construction; a fused kernel can be checked against it.
#include "trit/ops/attention.h"

#include <cmath>
#include <limits>

#include "trit/autograd/node.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/core/parallel.h"
#include "trit/ops/binary.h"
#include "trit/ops/matmul.h"
#include "trit/ops/softmax.h"
#include "trit/ops/view.h"

namespace trit {
namespace {

// Zeroes (or -infs) the entries above the causal diagonal of [..., T, S].
Tensor apply_mask(const Tensor& x, int64_t offset, double fill) {
  const int64_t T = x.size(-2), S = x.size(-1);
  Tensor out = contiguous(x.detach()).clone();
  const int64_t mats = T * S == 0 ? 0 : out.numel() / (T * S);
  visit_float(out.dtype(), "causal_mask", [&](auto tag) {
    using F = decltype(tag);
    F* p = out.data<F>();
    const F f = F(fill);
    parallel_for(mats * T, 64, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const int64_t t = r % T;
        for (int64_t s = std::max<int64_t>(0, offset + t + 1); s < S; ++s) p[r * S + s] = f;
      }
    });
  });
  return out;
}

// [B, Hkv, S, D] -> [B, Hkv * group, S, D], each kv head repeated for its group of query heads.
Tensor repeat_kv(const Tensor& x, int64_t group) {
  if (group == 1) return x;
  const int64_t B = x.size(0), Hkv = x.size(1), S = x.size(2), D = x.size(3);
  return reshape(expand(unsqueeze(x, 2), {B, Hkv, group, S, D}), {B, Hkv * group, S, D});
}

}  // namespace

Tensor causal_mask(const Tensor& scores, int64_t offset) {
  TRIT_CHECK(scores.dim() >= 2, "causal_mask: scores need [..., T, S], got ", shape_str(scores.shape()));
  Tensor out = apply_mask(scores, offset, -std::numeric_limits<double>::infinity());
  if (needs_grad({scores})) {
    record("causal_mask", out, {scores}, [offset](const Tensor& g) { return std::vector<Tensor>{apply_mask(g, offset, 0.0)}; });
  }
  return out;
}

Tensor causal_attention(const Tensor& q, const Tensor& k, const Tensor& v, double scale) {
  TRIT_CHECK(q.dim() == 4 && k.dim() == 4 && v.dim() == 4, "causal_attention: expected q [B, H, T, D], k and v [B, Hkv, S, D]; got ",
             shape_str(q.shape()), ", ", shape_str(k.shape()), ", ", shape_str(v.shape()));
  const int64_t B = q.size(0), H = q.size(1), T = q.size(2), D = q.size(3);
  const int64_t Hkv = k.size(1), S = k.size(2);
  TRIT_CHECK(k.shape() == v.shape() && k.size(0) == B && k.size(3) == D, "causal_attention: k ", shape_str(k.shape()),
             " and v ", shape_str(v.shape()), " do not match q ", shape_str(q.shape()));
  TRIT_CHECK(Hkv > 0 && H % Hkv == 0, "causal_attention: ", H, " query heads are not a multiple of ", Hkv, " kv heads");
  TRIT_CHECK(S >= T, "causal_attention: fewer keys (", S, ") than queries (", T, ")");
  if (scale == 0.0) scale = 1.0 / std::sqrt(double(D));
  const Tensor kr = repeat_kv(k, H / Hkv), vr = repeat_kv(v, H / Hkv);
  Tensor scores = matmul(q, transpose(kr, -1, -2)) * scale;
  Tensor p = softmax(causal_mask(scores, S - T), -1);
  return matmul(p, vr);
}

}  // namespace trit

// Reductions: the input is permuted so reduced dims are innermost and made contiguous, then
// each output element reduces one contiguous run (in double for sums, so float32 sums of
// long rows keep their precision).
#include "trit/ops/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "trit/autograd/node.h"
#include "trit/backend/cpu/elementwise.h"
#include "trit/backend/cuda/elementwise.h"
#include "trit/backend/cuda/reduce.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/core/parallel.h"
#include "trit/ops/binary.h"
#include "trit/ops/view.h"

namespace trit {
namespace {

struct Plan {
  std::vector<bool> reduced;  // per input dim
  Shape out_shape;            // without reduced dims (or with 1s when keepdim)
  Shape keep_shape;           // reduced dims as 1s (for broadcasting back)
  Tensor rows;                // contiguous [n_out, n_reduce]
  int64_t n_out = 1, n_reduce = 1;
};

Plan plan_reduction(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, const char* op) {
  Plan p;
  const int64_t nd = x.dim();
  p.reduced.assign(size_t(nd), dims.empty());
  for (int64_t d : dims) {
    const int64_t w = wrap_dim(d, nd, op);
    TRIT_CHECK(!p.reduced[size_t(w)], op, ": dim ", d, " given twice");
    p.reduced[size_t(w)] = true;
  }
  std::vector<int64_t> order;
  for (int64_t d = 0; d < nd; ++d)
    if (!p.reduced[size_t(d)]) order.push_back(d);
  for (int64_t d = 0; d < nd; ++d)
    if (p.reduced[size_t(d)]) order.push_back(d);
  for (int64_t d = 0; d < nd; ++d) {
    const int64_t s = x.shape()[size_t(d)];
    if (p.reduced[size_t(d)]) {
      p.n_reduce *= s;
      p.keep_shape.push_back(1);
      if (keepdim) p.out_shape.push_back(1);
    } else {
      p.n_out *= s;
      p.keep_shape.push_back(s);
      p.out_shape.push_back(s);
    }
  }
  NoGradGuard no_grad;  // layout work only; the op records its own node
  p.rows = contiguous(permute(x.detach(), order));
  return p;
}

// `code` names the same reduction for the CUDA kernels.
template <typename Reduce>
Tensor reduce_rows(const Plan& p, DType dtype, const char* op, [[maybe_unused]] cuda::ReduceOp code, Reduce reduce) {
  Tensor out = Tensor::empty(p.out_shape, dtype, p.rows.device());
#if TRIT_HAVE_CUDA
  if (out.device().is_cuda()) {
    cuda::reduce_rows(code, p.rows, p.n_out, p.n_reduce, out);
    return out;
  }
#endif
  visit_float(dtype, op, [&](auto tag) {
    using T = decltype(tag);
    const T* in = p.rows.data<T>();
    T* o = out.data<T>();
    parallel_for(p.n_out, std::max<int64_t>(1, 16384 / std::max<int64_t>(p.n_reduce, 1)), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) o[i] = T(reduce(in + i * p.n_reduce, p.n_reduce));
    });
  });
  return out;
}

// 1 where a == b (b broadcast), else 0.
Tensor eq_mask(const Tensor& a, const Tensor& b) {
#if TRIT_HAVE_CUDA
  if (a.device().is_cuda()) return cuda::binary(cuda::BinaryOp::eq, a, b, "amax");
#endif
  return cpu::map_binary(a, b, "eq", [](auto x, auto y) { return x == y ? decltype(x)(1) : decltype(x)(0); });
}

}  // namespace

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  const Plan p = plan_reduction(x, dims, keepdim, "sum");
  Tensor out = reduce_rows(p, x.dtype(), "sum", cuda::ReduceOp::sum, [](const auto* r, int64_t n) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += double(r[i]);
    return s;
  });
  if (needs_grad({x})) {
    record("sum", out, {x}, [in_shape = x.shape(), keep = p.keep_shape](const Tensor& g) {
      return std::vector<Tensor>{expand(reshape(g, keep), in_shape)};
    });
  }
  return out;
}

Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  const Plan p = plan_reduction(x, dims, keepdim, "mean");
  TRIT_CHECK(p.n_reduce > 0, "mean: reducing over an empty dim");
  Tensor out = reduce_rows(p, x.dtype(), "mean", cuda::ReduceOp::mean, [](const auto* r, int64_t n) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += double(r[i]);
    return s / double(n);
  });
  if (needs_grad({x})) {
    record("mean", out, {x}, [in_shape = x.shape(), keep = p.keep_shape, n = p.n_reduce](const Tensor& g) {
      return std::vector<Tensor>{expand(reshape(g / double(n), keep), in_shape)};
    });
  }
  return out;
}

Tensor amax(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  const Plan p = plan_reduction(x, dims, keepdim, "amax");
  TRIT_CHECK(p.n_reduce > 0, "amax: reducing over an empty dim");
  Tensor out = reduce_rows(p, x.dtype(), "amax", cuda::ReduceOp::max, [](const auto* r, int64_t n) {
    auto m = r[0];
    for (int64_t i = 1; i < n; ++i) m = std::max(m, r[i]);
    return m;
  });
  if (needs_grad({x})) {
    record("amax", out, {x},
           [sx = SavedTensor(x, "amax"), so = SavedTensor(out.detach(), "amax"), keep = p.keep_shape,
            dims, in_shape = x.shape()](const Tensor& g) {
      const Tensor m = reshape(so.get(), keep);
      // mask of maxima, gradient shared equally among ties
      Tensor mask = eq_mask(sx.get(), m);
      Tensor count = sum(mask, dims, true);
      return std::vector<Tensor>{mask * reshape(g, keep) / count};
    });
  }
  return out;
}

std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  const int64_t d = wrap_dim(dim, x.dim(), "max");
  const Plan p = plan_reduction(x, {d}, keepdim, "max");
  TRIT_CHECK(p.n_reduce > 0, "max: reducing over an empty dim");
  Tensor values = Tensor::empty(p.out_shape, x.dtype(), x.device());
  Tensor indices = Tensor::empty(p.out_shape, DType::i32, x.device());
#if TRIT_HAVE_CUDA
  if (x.device().is_cuda()) cuda::argmax_rows(p.rows, p.n_out, p.n_reduce, values, indices);
  else
#endif
  visit_float(x.dtype(), "max", [&](auto tag) {
    using T = decltype(tag);
    const T* in = p.rows.data<T>();
    T* v = values.data<T>();
    int32_t* idx = indices.data<int32_t>();
    parallel_for(p.n_out, 256, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const T* r = in + i * p.n_reduce;
        int64_t best = 0;
        for (int64_t j = 1; j < p.n_reduce; ++j)
          if (r[j] > r[best]) best = j;
        v[i] = r[best];
        idx[i] = int32_t(best);
      }
    });
  });
  if (needs_grad({x})) {
    record("max", values, {x}, [in_shape = x.shape(), keep = p.keep_shape, d, idx = indices](const Tensor& g) {
      // Scatter g to the argmax positions along d.
      Tensor out = Tensor::zeros(in_shape, g.dtype(), g.device());
      const Tensor gc = reshape(g, keep).contiguous();
#if TRIT_HAVE_CUDA
      if (g.device().is_cuda()) {
        cuda::scatter_along_dim(gc, idx, d, out);
        return std::vector<Tensor>{out};
      }
#endif
      const Strides& st = out.strides();
      const int32_t* ip = idx.data<int32_t>();
      visit_float(g.dtype(), "max", [&](auto tag) {
        using T = decltype(tag);
        const T* gp = gc.data<T>();
        T* op = out.data<T>();
        const Strides kst = contiguous_strides(keep);
        for (int64_t i = 0; i < numel(keep); ++i) {
          int64_t off = 0, r = i;
          for (size_t k = 0; k < keep.size(); ++k) {
            const int64_t c = r / kst[k];
            r %= kst[k];
            off += (int64_t(k) == d ? ip[i] : c) * st[k];
          }
          op[off] += gp[i];
        }
      });
      return std::vector<Tensor>{out};
    });
  }
  return {values, indices};
}

}  // namespace trit

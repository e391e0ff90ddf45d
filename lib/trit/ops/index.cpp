// Integer indexing: embedding, index_select, gather. Forward copies rows; backward
// scatter-adds the gradient into a zero tensor of the input's shape. Out-of-range ids are
// reported with the offending value, never read.
#include "trit/ops/index.h"

#include <cstring>

#include "trit/autograd/node.h"
#include "trit/backend/cuda/embedding.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/core/parallel.h"
#include "trit/ops/view.h"

namespace trit {
namespace {

const int32_t* checked_ids(const Tensor& ids, int64_t limit, const char* op) {
  TRIT_CHECK(ids.dtype() == DType::i32, op, ": indices must be i32, got ", dtype_name(ids.dtype()));
  TRIT_CHECK(ids.is_contiguous(), op, ": internal: indices must be contiguous");
  const int32_t* p = ids.data<int32_t>();
  for (int64_t i = 0; i < ids.numel(); ++i)
    TRIT_CHECK(p[i] >= 0 && p[i] < limit, op, ": index ", p[i], " at position ", i, " out of range [0, ", limit, ")");
  return p;
}

// x viewed as [outer, size, inner] (contiguous); picks `n` entries of the middle dim.
Tensor select_rows(const Tensor& x, int64_t outer, int64_t size, int64_t inner, const int32_t* idx, int64_t n,
                   Shape out_shape) {
  Tensor out = Tensor::empty(out_shape, x.dtype());
  const size_t es = dtype_size(x.dtype());
  const char* src = static_cast<const char*>(x.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  parallel_for(outer * n, std::max<int64_t>(1, 4096 / std::max<int64_t>(inner, 1)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const int64_t o = r / n, j = r % n;
      std::memcpy(dst + size_t(r * inner) * es, src + size_t((o * size + idx[j]) * inner) * es, size_t(inner) * es);
    }
  });
  return out;
}

// The adjoint of select_rows: out[o, idx[j], :] += g[o, j, :].
Tensor scatter_rows(const Tensor& g, int64_t outer, int64_t size, int64_t inner, const int32_t* idx, int64_t n,
                    const Shape& in_shape) {
  Tensor out = Tensor::zeros(in_shape, g.dtype());
  const Tensor gc = contiguous(g);
  visit_float(g.dtype(), "scatter", [&](auto tag) {
    using T = decltype(tag);
    const T* gp = gc.data<T>();
    T* op = out.data<T>();
    // Parallel over the inner dim so no two threads add into the same element.
    parallel_for(inner, 64, [&](int64_t cb, int64_t ce) {
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t j = 0; j < n; ++j) {
          T* dst = op + (o * size + idx[j]) * inner;
          const T* src = gp + (o * n + j) * inner;
          for (int64_t c = cb; c < ce; ++c) dst[c] += src[c];
        }
    });
  });
  return out;
}

}  // namespace

Tensor embedding(const Tensor& weight, const Tensor& ids) {
  TRIT_CHECK(weight.dim() == 2, "embedding: weight", weight.name_suffix(), " must be [V, D], got ",
             shape_str(weight.shape()));
  check_same_device("embedding", {weight.device(), ids.device()});
  const Tensor idc = contiguous(ids);
  const int64_t V = weight.size(0), D = weight.size(1), n = idc.numel();
  Shape out_shape = ids.shape();
  out_shape.push_back(D);
  const Tensor w = contiguous(weight.detach());
#if TRIT_HAVE_CUDA
  if (weight.device().is_cuda()) {
    checked_ids(idc.to(Device::cpu()), V, "embedding");  // ids are checked on the host: never read out of range
    Tensor out = cuda::select_rows(w, 1, V, D, idc, n, out_shape);
    if (needs_grad({weight})) {
      record("embedding", out, {weight}, [idc, V, D, n, w_shape = weight.shape()](const Tensor& g) {
        check_same_device("embedding", {g.device(), idc.device()});
        return std::vector<Tensor>{cuda::scatter_rows(contiguous(g), 1, V, D, idc, n, w_shape)};
      });
    }
    return out;
  }
#endif
  const int32_t* idx = checked_ids(idc, V, "embedding");
  Tensor out = select_rows(w, 1, V, D, idx, n, out_shape);
  if (needs_grad({weight})) {
    record("embedding", out, {weight}, [idc, V, D, n, w_shape = weight.shape()](const Tensor& g) {
      return std::vector<Tensor>{scatter_rows(g, 1, V, D, idc.data<int32_t>(), n, w_shape)};
    });
  }
  return out;
}

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  const int64_t d = wrap_dim(dim, x.dim(), "index_select");
  TRIT_CHECK(index.dim() == 1, "index_select: index must be 1-D, got ", shape_str(index.shape()));
  check_same_device("index_select", {x.device(), index.device()});
  const Tensor idc = contiguous(index);
  const int64_t size = x.shape()[size_t(d)], n = idc.numel();
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < d; ++i) outer *= x.shape()[size_t(i)];
  for (int64_t i = d + 1; i < x.dim(); ++i) inner *= x.shape()[size_t(i)];
  Shape out_shape = x.shape();
  out_shape[size_t(d)] = n;
#if TRIT_HAVE_CUDA
  if (x.device().is_cuda()) {
    checked_ids(idc.to(Device::cpu()), size, "index_select");
    Tensor out = cuda::select_rows(contiguous(x.detach()), outer, size, inner, idc, n, out_shape);
    if (needs_grad({x})) {
      record("index_select", out, {x}, [idc, outer, size, inner, n, in_shape = x.shape()](const Tensor& g) {
        check_same_device("index_select", {g.device(), idc.device()});
        return std::vector<Tensor>{cuda::scatter_rows(contiguous(g), outer, size, inner, idc, n, in_shape)};
      });
    }
    return out;
  }
#endif
  const int32_t* idx = checked_ids(idc, size, "index_select");
  Tensor out = select_rows(contiguous(x.detach()), outer, size, inner, idx, n, out_shape);
  if (needs_grad({x})) {
    record("index_select", out, {x}, [idc, outer, size, inner, n, in_shape = x.shape()](const Tensor& g) {
      return std::vector<Tensor>{scatter_rows(g, outer, size, inner, idc.data<int32_t>(), n, in_shape)};
    });
  }
  return out;
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  check_same_device("gather", {x.device(), index.device()});
  const int64_t d = wrap_dim(dim, x.dim(), "gather");
  TRIT_CHECK(index.dim() == x.dim(), "gather: index rank ", index.dim(), " differs from input rank ", x.dim());
  for (int64_t i = 0; i < x.dim(); ++i)
    TRIT_CHECK(i == d || index.size(i) <= x.size(i), "gather: index ", shape_str(index.shape()),
               " larger than input ", shape_str(x.shape()), " outside dim ", d);
  const Tensor idc = contiguous(index);
#if TRIT_HAVE_CUDA
  if (x.device().is_cuda()) {
    checked_ids(idc.to(Device::cpu()), x.size(d), "gather");
    Tensor out = cuda::gather(contiguous(x.detach()), d, idc);
    if (needs_grad({x})) {
      record("gather", out, {x}, [idc, d, in_shape = x.shape()](const Tensor& g) {
        check_same_device("gather", {g.device(), idc.device()});
        return std::vector<Tensor>{cuda::gather_backward(contiguous(g), d, idc, in_shape)};
      });
    }
    return out;
  }
#endif
  const int32_t* idx = checked_ids(idc, x.size(d), "gather");
  const Tensor xc = contiguous(x.detach());
  const Strides xs = xc.strides();
  const Shape ishape = idc.shape();
  const Strides is = idc.strides();
  // Offset in x of index element i.
  auto source_offset = [ishape, is, xs, d, idx](int64_t i) {
    int64_t off = 0, r = i;
    for (size_t k = 0; k < ishape.size(); ++k) {
      const int64_t c = r / is[k];
      r %= is[k];
      off += (int64_t(k) == d ? idx[i] : c) * xs[k];
    }
    return off;
  };
  Tensor out = Tensor::empty(ishape, x.dtype());
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = xc.data<T>();
    T* op = out.data<T>();
    parallel_for(out.numel(), 4096, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) op[i] = xp[source_offset(i)];
    });
  });
  if (needs_grad({x})) {
    record("gather", out, {x}, [idc, source_offset, in_shape = x.shape()](const Tensor& g) {
      Tensor dx = Tensor::zeros(in_shape, g.dtype());
      const Tensor gc = contiguous(g);
      visit_float(g.dtype(), "gather", [&](auto tag) {
        using T = decltype(tag);
        const T* gp = gc.data<T>();
        T* dp = dx.data<T>();
        for (int64_t i = 0; i < gc.numel(); ++i) dp[source_offset(i)] += gp[i];
      });
      return std::vector<Tensor>{dx};
    });
  }
  return out;
}

}  // namespace trit

// View ops: forward builds a new view of the same storage; backward maps the gradient back to
// the input's layout (inverse permutation, zero-padding for narrow, summing for expand).
#include "trit/ops/view.h"

#include <algorithm>
#include <numeric>

#include "trit/autograd/node.h"
#include "trit/backend/cpu/copy.h"
#include "trit/backend/cuda/copy.h"
#include "trit/backend/cuda/tensor_access.h"
#include "trit/ops/reduce.h"

namespace trit {
namespace {

Shape infer_shape(const Tensor& x, Shape shape, const char* op) {
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      TRIT_CHECK(infer < 0, op, ": more than one -1 in ", shape_str(shape));
      infer = int64_t(i);
    } else {
      TRIT_CHECK(shape[i] >= 0, op, ": bad size in ", shape_str(shape));
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    TRIT_CHECK(known > 0 && x.numel() % known == 0, op, ": cannot view ", shape_str(x.shape()),
               " as ", shape_str(shape));
    shape[size_t(infer)] = x.numel() / known;
  }
  TRIT_CHECK(numel(shape) == x.numel(), op, ": cannot view ", shape_str(x.shape()), " (",
             x.numel(), " elements) as ", shape_str(shape));
  return shape;
}

// Strides for viewing x as `shape` without copying, if x's layout allows (as torch's view).
bool view_strides(const Tensor& x, const Shape& shape, Strides& out) {
  if (x.is_contiguous()) {
    out = contiguous_strides(shape);
    return true;
  }
  // Walk chunks of old dims that are contiguous among themselves and match new dims.
  const Shape& os = x.shape();
  const Strides& ost = x.strides();
  out.assign(shape.size(), 0);
  if (x.numel() == 0) {
    out = contiguous_strides(shape);
    return true;
  }
  int64_t view_d = int64_t(shape.size()) - 1;
  int64_t chunk_base_stride = ost.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = int64_t(os.size()) - 1; d >= 0; --d) {
    tensor_numel *= os[size_t(d)];
    if (d == 0 || (os[size_t(d - 1)] != 1 && ost[size_t(d - 1)] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[size_t(view_d)] == 1)) {
        out[size_t(view_d)] = view_numel * chunk_base_stride;
        view_numel *= shape[size_t(view_d)];
        --view_d;
      }
      if (view_numel != tensor_numel) return false;
      if (d > 0) {
        chunk_base_stride = ost[size_t(d - 1)];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  return view_d == -1;
}

// dst = src (converting dtype) for two views of one shape on one device.
void copy_on_device(const Tensor& src, const Tensor& dst) {
#if TRIT_HAVE_CUDA
  if (dst.device().is_cuda()) {
    cuda::copy_strided(cuda::storage_ptr(src), src.dtype(), src.strides(), cuda::storage_ptr(dst), dst.dtype(),
                       dst.strides(), src.shape(), dst.device().index);
    return;
  }
#endif
  cpu::copy_strided(src.raw_data(), src.dtype(), src.strides(), dst.raw_data(), dst.dtype(), dst.strides(), src.shape());
}

Tensor make_contiguous_copy(const Tensor& x, DType dtype) {
  Tensor out = Tensor::empty(x.shape(), dtype, x.device());
  copy_on_device(x, out);
  return out;
}

// Contiguous bytes of `src` into `dst` (same byte count) across devices.
void copy_between_devices(const Tensor& src, const Tensor& dst) {
  const size_t n = src.nbytes();
  if (n == 0) return;
#if TRIT_HAVE_CUDA
  void* d = cuda::storage_ptr(dst);
  const void* s = cuda::storage_ptr(src);
  if (src.device().is_cpu()) return cuda::copy_host_to_device(d, dst.device().index, s, n);
  if (dst.device().is_cpu()) return cuda::copy_device_to_host(d, s, src.device().index, n);
  return cuda::copy_device_to_device(d, dst.device().index, s, src.device().index, n);
#else
  fail("to(", dst.device().str(), "): this build of trit has no CUDA backend (configure with TRIT_CUDA=ON)");
#endif
}

}  // namespace

Tensor view(const Tensor& x, Shape shape) {
  shape = infer_shape(x, std::move(shape), "view");
  Strides st;
  TRIT_CHECK(view_strides(x, shape, st), "view: tensor of shape ", shape_str(x.shape()),
             " with its strides cannot be viewed as ", shape_str(shape), " without a copy; use reshape");
  Tensor out = make_view(x, shape, st, x.offset());
  if (needs_grad({x})) {
    record("view", out, {x}, [in_shape = x.shape()](const Tensor& d) {
      return std::vector<Tensor>{reshape(d, in_shape)};
    });
  }
  return out;
}

Tensor reshape(const Tensor& x, Shape shape) {
  shape = infer_shape(x, std::move(shape), "reshape");
  Strides st;
  if (view_strides(x, shape, st)) return view(x, shape);
  return view(contiguous(x), shape);
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims) {
  const int64_t nd = x.dim();
  TRIT_CHECK(int64_t(dims.size()) == nd, "permute: ", dims.size(), " dims given for a ", nd, "-d tensor");
  Shape shape(static_cast<size_t>(nd));
  Strides st(static_cast<size_t>(nd));
  std::vector<int64_t> inverse(size_t(nd), -1);
  for (int64_t i = 0; i < nd; ++i) {
    const int64_t d = wrap_dim(dims[size_t(i)], nd, "permute");
    TRIT_CHECK(inverse[size_t(d)] < 0, "permute: dim ", d, " repeated");
    inverse[size_t(d)] = i;
    shape[size_t(i)] = x.shape()[size_t(d)];
    st[size_t(i)] = x.strides()[size_t(d)];
  }
  Tensor out = make_view(x, shape, st, x.offset());
  if (needs_grad({x})) {
    record("permute", out, {x}, [inverse](const Tensor& d) { return std::vector<Tensor>{permute(d, inverse)}; });
  }
  return out;
}

Tensor transpose(const Tensor& x, int64_t d0, int64_t d1) {
  std::vector<int64_t> dims(size_t(x.dim()));
  std::iota(dims.begin(), dims.end(), 0);
  std::swap(dims[size_t(wrap_dim(d0, x.dim(), "transpose"))], dims[size_t(wrap_dim(d1, x.dim(), "transpose"))]);
  return permute(x, dims);
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  const int64_t d = wrap_dim(dim, x.dim(), "narrow");
  const int64_t size = x.shape()[size_t(d)];
  if (start < 0) start += size;
  TRIT_CHECK(start >= 0 && length >= 0 && start + length <= size, "narrow: [", start, ", ",
             start + length, ") out of range for dim ", d, " of size ", size);
  Shape shape = x.shape();
  shape[size_t(d)] = length;
  Tensor out = make_view(x, shape, x.strides(), x.offset() + start * x.strides()[size_t(d)]);
  if (needs_grad({x})) {
    record("narrow", out, {x}, [in_shape = x.shape(), d, start, length, dt = x.dtype()](const Tensor& g) {
      Tensor full = Tensor::zeros(in_shape, dt, g.device());
      Tensor slot = make_view(full, g.shape(), full.strides(), start * full.strides()[size_t(d)]);
      copy_on_device(g, slot);
      (void)length;
      return std::vector<Tensor>{full};
    });
  }
  return out;
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  const int64_t d = wrap_dim(dim, x.dim(), "select");
  return squeeze(narrow(x, d, index, 1), d);
}

Tensor expand(const Tensor& x, const Shape& shape) {
  TRIT_CHECK(shape.size() >= x.shape().size(), "expand: cannot expand ", shape_str(x.shape()), " to ",
             shape_str(shape));
  const size_t lead = shape.size() - x.shape().size();
  Shape out_shape = shape;
  Strides st(shape.size(), 0);
  for (size_t i = 0; i < x.shape().size(); ++i) {
    const int64_t have = x.shape()[i];
    int64_t& want = out_shape[lead + i];
    if (want == -1) want = have;
    TRIT_CHECK(have == want || have == 1, "expand: cannot expand ", shape_str(x.shape()), " to ", shape_str(shape));
    st[lead + i] = have == want ? x.strides()[i] : 0;
  }
  Tensor out = make_view(x, out_shape, st, x.offset());
  if (needs_grad({x})) {
    record("expand", out, {x}, [in_shape = x.shape()](const Tensor& g) {
      return std::vector<Tensor>{sum_to_shape(g, in_shape)};
    });
  }
  return out;
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  const int64_t d = wrap_dim(dim, x.dim() + 1, "unsqueeze");
  Shape shape = x.shape();
  shape.insert(shape.begin() + d, 1);
  return view(x, shape);
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  const int64_t d = wrap_dim(dim, x.dim(), "squeeze");
  TRIT_CHECK(x.shape()[size_t(d)] == 1, "squeeze: dim ", d, " has size ", x.shape()[size_t(d)]);
  Shape shape = x.shape();
  shape.erase(shape.begin() + d);
  return reshape(x, shape);
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  if (x.dim() == 0) return reshape(x, {1});
  const int64_t s = wrap_dim(start_dim, x.dim(), "flatten"), e = wrap_dim(end_dim, x.dim(), "flatten");
  Shape shape(x.shape().begin(), x.shape().begin() + s);
  int64_t n = 1;
  for (int64_t i = s; i <= e; ++i) n *= x.shape()[size_t(i)];
  shape.push_back(n);
  shape.insert(shape.end(), x.shape().begin() + e + 1, x.shape().end());
  return reshape(x, shape);
}

Tensor contiguous(const Tensor& x) {
  if (x.is_contiguous()) return x;
  return clone(x);
}

Tensor clone(const Tensor& x) {
  Tensor out = make_contiguous_copy(x, x.dtype());
  if (needs_grad({x})) record("clone", out, {x}, [](const Tensor& g) { return std::vector<Tensor>{g}; });
  return out;
}

Tensor to_dtype(const Tensor& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  Tensor out = make_contiguous_copy(x, dtype);
  if (is_floating(dtype) && needs_grad({x})) {
    record("to_dtype", out, {x}, [in = x.dtype()](const Tensor& g) { return std::vector<Tensor>{to_dtype(g, in)}; });
  }
  return out;
}

Tensor sum_to_shape(const Tensor& g, const Shape& shape) {
  if (g.shape() == shape) return g;
  const size_t lead = g.shape().size() - shape.size();
  std::vector<int64_t> dims;
  for (size_t i = 0; i < g.shape().size(); ++i) {
    if (i < lead || (shape[i - lead] == 1 && g.shape()[i] != 1)) dims.push_back(int64_t(i));
  }
  return reshape(sum(g, dims, true), shape);
}

// Tensor conveniences.
Tensor Tensor::reshape(const Shape& shape) const { return trit::reshape(*this, shape); }
Tensor Tensor::view(const Shape& shape) const { return trit::view(*this, shape); }
Tensor Tensor::permute(const std::vector<int64_t>& dims) const { return trit::permute(*this, dims); }
Tensor Tensor::transpose(int64_t d0, int64_t d1) const { return trit::transpose(*this, d0, d1); }
Tensor Tensor::narrow(int64_t dim, int64_t start, int64_t length) const { return trit::narrow(*this, dim, start, length); }
Tensor Tensor::expand(const Shape& shape) const { return trit::expand(*this, shape); }
Tensor Tensor::contiguous() const { return trit::contiguous(*this); }
Tensor Tensor::to(DType dtype) const { return to_dtype(*this, dtype); }
Tensor Tensor::clone() const { return trit::clone(*this); }
Tensor Tensor::to(Device device) const { return to_device(*this, device); }

Tensor to_device(const Tensor& x, Device device) {
  if (device == x.device()) return x;
  Tensor src;
  {
    NoGradGuard no_grad;  // layout work on the source device; this op records its own node
    src = contiguous(x.detach());
  }
  Tensor out = Tensor::empty(x.shape(), x.dtype(), device);
  copy_between_devices(src, out);
  if (needs_grad({x})) {
    record("to_device", out, {x}, [from = x.device()](const Tensor& g) { return std::vector<Tensor>{to_device(g, from)}; });
  }
  return out;
}

}  // namespace trit

#include "trit/core/tensor.h"

#include <cmath>
#include <cstring>

#include "trit/autograd/node.h"
#include "trit/backend/cpu/copy.h"
#include "trit/backend/cuda/copy.h"
#include "trit/backend/cuda/tensor_access.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/core/parallel.h"
#include "trit/core/rng.h"

namespace trit {

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  for (int64_t s : shape) TRIT_CHECK(s >= 0, "empty: negative size in shape ", shape_str(shape));
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(size_t(trit::numel(shape)) * dtype_size(dtype), device);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor Tensor::full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
#if TRIT_HAVE_CUDA
  if (device.is_cuda()) {
    cuda::fill(cuda::storage_ptr(t), dtype, t.strides(), t.shape(), value, device.index);
    return t;
  }
#endif
  cpu::fill(t.raw_data(), dtype, t.strides(), t.shape(), value);
  return t;
}

Tensor Tensor::zeros(const Shape& shape, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
#if TRIT_HAVE_CUDA
  if (device.is_cuda()) {
    cuda::zero_bytes(cuda::storage_ptr(t), t.nbytes(), device.index);
    return t;
  }
#endif
  std::memset(t.raw_data(), 0, t.nbytes());
  return t;
}

Tensor Tensor::ones(const Shape& shape, DType dtype, Device device) { return full(shape, 1.0, dtype, device); }
Tensor Tensor::scalar(double value, DType dtype) { return full({}, value, dtype); }

Tensor Tensor::arange(int64_t n, DType dtype) {
  Tensor t = empty({n}, dtype);
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    for (int64_t i = 0; i < n; ++i) p[i] = from_double<T>(double(i));
  });
  return t;
}

template <typename T>
Tensor Tensor::from_vector(std::span<const T> values, const Shape& shape) {
  TRIT_CHECK(int64_t(values.size()) == trit::numel(shape), "from_vector: ", values.size(),
             " values for shape ", shape_str(shape));
  Tensor t = empty(shape, dtype_v<T>);
  if (!values.empty()) std::memcpy(t.raw_data(), values.data(), values.size() * sizeof(T));
  return t;
}
#define X(e, t, n, b, f) template Tensor Tensor::from_vector<t>(std::span<const t>, const Shape&);
TRIT_DTYPES(X)
#undef X

// Normal numbers by Box-Muller: counter c gives elements 4c..4c+3 (two pairs).
Tensor Tensor::randn(const Shape& shape, Generator& gen, DType dtype) {
  const int64_t n = trit::numel(shape);
  const uint64_t base = gen.advance(uint64_t(n + 3) / 4);
  Tensor f = empty(shape, DType::f64);
  double* p = f.data<double>();
  parallel_for((n + 3) / 4, 1024, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      const auto w = gen.words(base + uint64_t(c));
      for (int pair = 0; pair < 2; ++pair) {
        const double u1 = 1.0 - double(w[2 * pair]) * 0x1p-32;  // (0, 1]: log(u1) is finite
        const double u2 = double(w[2 * pair + 1]) * 0x1p-32;
        const double r = std::sqrt(-2.0 * std::log(u1));
        const int64_t i = 4 * c + 2 * pair;
        if (i < n) p[i] = r * std::cos(2.0 * M_PI * u2);
        if (i + 1 < n) p[i + 1] = r * std::sin(2.0 * M_PI * u2);
      }
    }
  });
  return dtype == DType::f64 ? f : f.to(dtype);
}

Tensor Tensor::rand(const Shape& shape, Generator& gen, DType dtype) {
  const int64_t n = trit::numel(shape);
  const uint64_t base = gen.advance(uint64_t(n + 3) / 4);
  Tensor f = empty(shape, DType::f64);
  double* p = f.data<double>();
  parallel_for((n + 3) / 4, 1024, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      const auto w = gen.words(base + uint64_t(c));
      for (int k = 0; k < 4 && 4 * c + k < n; ++k) p[4 * c + k] = double(w[k]) * 0x1p-32;
    }
  });
  return dtype == DType::f64 ? f : f.to(dtype);
}

int64_t Tensor::size(int64_t d) const { return shape()[size_t(wrap_dim(d, dim(), "size"))]; }

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (size_t i = shape().size(); i-- > 0;) {
    if (shape()[i] == 1) continue;
    if (strides()[i] != expected) return false;
    expected *= shape()[i];
  }
  return true;
}

void* Tensor::raw_data() const {
  TRIT_CHECK(device().is_cpu(), "tensor", name_suffix(), " is on ", device().str(),
             ": copy it to the CPU before reading its data on the host");
  return static_cast<char*>(impl().storage->data()) + offset() * int64_t(dtype_size(dtype()));
}

double Tensor::item() const {
  TRIT_CHECK(numel() == 1, "item: tensor of shape ", shape_str(shape()), " has ", numel(), " elements, expected 1");
  if (!device().is_cpu()) return to(Device::cpu()).item();  // waits for the value
  return visit_dtype(dtype(), [&](auto tag) { return to_double(*static_cast<const decltype(tag)*>(raw_data())); });
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
  if (!device().is_cpu()) return to(Device::cpu()).to_vector<T>();
  std::vector<T> out(static_cast<size_t>(numel()));
  cpu::copy_strided(raw_data(), dtype(), strides(), out.data(), dtype_v<T>, contiguous_strides(shape()), shape());
  return out;
}
#define X(e, t, n, b, f) template std::vector<t> Tensor::to_vector<t>() const;
TRIT_DTYPES(X)
#undef X

Tensor& Tensor::requires_grad_(bool on) {
  TRIT_CHECK(is_leaf(), "requires_grad_: only leaf tensors can be marked (this one was made by ",
             grad_fn()->name, "); use detach() first");
  TRIT_CHECK(!on || is_floating(dtype()), "requires_grad_: tensor", name_suffix(), " has dtype ",
             dtype_name(dtype()), "; only floating tensors can require grad");
  impl().requires_grad = on;
  return *this;
}

void Tensor::set_grad(const Tensor& g) {
  TRIT_CHECK(!g.defined() || g.shape() == shape(), "set_grad: gradient shape ", shape_str(g.shape()),
             " differs from tensor", name_suffix(), " shape ", shape_str(shape()));
  impl().grad = g.impl_ptr();
}

void Tensor::backward(const Tensor& seed) const { run_backward(*this, seed); }

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = storage();
  impl->shape = shape();
  impl->strides = strides();
  impl->offset = offset();
  impl->dtype = dtype();
  impl->name = name();
  return Tensor(std::move(impl));
}

Tensor make_view(const Tensor& t, Shape shape, Strides strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = t.storage();
  impl->shape = std::move(shape);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->dtype = t.dtype();
  return Tensor(std::move(impl));
}

}  // namespace trit

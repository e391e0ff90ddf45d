#pragma once
// Tensor: a cheap handle (one shared_ptr) to a view of a Storage: shape, strides and offset in
// elements, dtype, device; plus the autograd fields (requires_grad, grad, the node that made
// it). Copying a Tensor copies the handle, never the data. Ops are free functions under
// trit/ops/; the methods here are accessors, factories and a few conveniences.
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "trit/core/device.h"
#include "trit/core/dtype.h"
#include "trit/core/error.h"
#include "trit/core/shape.h"
#include "trit/core/storage.h"

namespace trit {

struct Node;
class Generator;

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Strides strides;
  int64_t offset = 0;  // in elements
  DType dtype = DType::f32;
  // Autograd. A leaf has requires_grad set and no grad_fn; an op result that depends on a
  // tensor requiring grad has a grad_fn.
  bool requires_grad = false;
  std::shared_ptr<Node> grad_fn;
  std::shared_ptr<TensorImpl> grad;
  std::string name;  // optional, for error messages (parameters carry their dotted name)
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // Factories (CPU unless a device is given).
  static Tensor empty(const Shape& shape, DType dtype = DType::f32, Device device = Device::cpu());
  static Tensor zeros(const Shape& shape, DType dtype = DType::f32, Device device = Device::cpu());
  static Tensor ones(const Shape& shape, DType dtype = DType::f32, Device device = Device::cpu());
  static Tensor full(const Shape& shape, double value, DType dtype = DType::f32,
                     Device device = Device::cpu());
  static Tensor scalar(double value, DType dtype = DType::f32);
  static Tensor arange(int64_t n, DType dtype = DType::i32);
  template <typename T>
  static Tensor from_vector(std::span<const T> values, const Shape& shape);
  template <typename T>
  static Tensor from_vector(const std::vector<T>& values, const Shape& shape) {
    return from_vector(std::span<const T>(values), shape);
  }
  // Deterministic random tensors: the same generator state gives the same numbers whatever
  // the thread count (counter-based Philox). Advances the generator.
  static Tensor randn(const Shape& shape, Generator& gen, DType dtype = DType::f32);
  static Tensor rand(const Shape& shape, Generator& gen, DType dtype = DType::f32);  // [0, 1)

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl().shape; }
  const Strides& strides() const { return impl().strides; }
  int64_t offset() const { return impl().offset; }
  int64_t dim() const { return int64_t(impl().shape.size()); }
  int64_t size(int64_t d) const;
  int64_t numel() const { return trit::numel(impl().shape); }
  DType dtype() const { return impl().dtype; }
  Device device() const { return impl().storage->device(); }
  bool is_contiguous() const;
  const std::shared_ptr<Storage>& storage() const { return impl().storage; }
  size_t nbytes() const { return size_t(numel()) * dtype_size(dtype()); }

  // Pointer to the first element of this view (offset applied). Typed access checks dtype.
  void* raw_data() const;
  template <typename T>
  T* data() const {
    TRIT_CHECK(dtype() == dtype_v<T>, "tensor", name_suffix(), " has dtype ", dtype_name(dtype()),
               ", accessed as ", dtype_name(dtype_v<T>));
    return static_cast<T*>(raw_data());
  }
  double item() const;  // value of a one-element tensor as double
  template <typename T>
  std::vector<T> to_vector() const;  // contiguous copy converted to T

  // Autograd.
  bool requires_grad() const { return impl().requires_grad || impl().grad_fn != nullptr; }
  Tensor& requires_grad_(bool on = true);
  bool is_leaf() const { return impl().grad_fn == nullptr; }
  Tensor grad() const { return Tensor(impl().grad); }
  void set_grad(const Tensor& g);
  void zero_grad() { impl().grad.reset(); }
  const std::shared_ptr<Node>& grad_fn() const { return impl().grad_fn; }
  // Runs backward from this tensor. A non-scalar needs an explicit seed of its shape.
  void backward(const Tensor& seed = Tensor()) const;
  // Same data, cut from the graph.
  Tensor detach() const;

  const std::string& name() const { return impl().name; }
  Tensor& set_name(std::string name) {
    impl().name = std::move(name);
    return *this;
  }
  std::string name_suffix() const { return impl_ && !impl_->name.empty() ? " '" + impl_->name + "'" : ""; }

  // Conveniences forwarding to ops (declared in trit/ops/*.h, defined there).
  Tensor reshape(const Shape& shape) const;
  Tensor view(const Shape& shape) const;  // like reshape but never copies (throws instead)
  Tensor permute(const std::vector<int64_t>& dims) const;
  Tensor transpose(int64_t d0, int64_t d1) const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor expand(const Shape& shape) const;
  Tensor contiguous() const;
  Tensor to(DType dtype) const;
  Tensor to(Device device) const;
  Tensor clone() const;

  TensorImpl& impl() const {
    TRIT_CHECK(impl_ != nullptr, "use of an undefined tensor");
    return *impl_;
  }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool same(const Tensor& other) const { return impl_ == other.impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// A new tensor viewing t's storage with another shape/strides/offset (no autograd record).
Tensor make_view(const Tensor& t, Shape shape, Strides strides, int64_t offset);

std::ostream& operator<<(std::ostream& out, const Tensor& t);
std::string to_string(const Tensor& t);

}  // namespace trit

// Printing: tensor([[...]], shape=[2, 3], dtype=f32). Long dims show their first and last
// three entries, like numpy and torch.
#include <iomanip>
#include <ostream>
#include <sstream>

#include "trit/core/tensor.h"

namespace trit {
namespace {

constexpr int64_t kEdge = 3;

void print_dim(std::ostream& out, const std::vector<double>& v, const Shape& shape, const Strides& st, size_t d,
               int64_t off, bool floating) {
  if (d == shape.size()) {
    if (floating) out << std::setprecision(6) << v[size_t(off)];
    else out << int64_t(v[size_t(off)]);
    return;
  }
  out << "[";
  const int64_t n = shape[d];
  for (int64_t i = 0; i < n; ++i) {
    if (n > 2 * kEdge && i == kEdge) {
      out << "...";
      i = n - kEdge - 1;
      out << (d + 1 == shape.size() ? ", " : ",\n" + std::string(d + 8, ' '));
      continue;
    }
    print_dim(out, v, shape, st, d + 1, off + i * st[d], floating);
    if (i + 1 < n) out << (d + 1 == shape.size() ? ", " : ",\n" + std::string(d + 8, ' '));
  }
  out << "]";
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const Tensor& t) {
  if (!t.defined()) return out << "tensor(undefined)";
  out << "tensor(";
  if (t.device().is_cpu()) {
    const std::vector<double> v = t.to_vector<double>();
    print_dim(out, v, t.shape(), contiguous_strides(t.shape()), 0, 0, is_floating(t.dtype()));
    out << ", ";
  }
  out << "shape=" << shape_str(t.shape()) << ", dtype=" << dtype_name(t.dtype());
  if (!t.device().is_cpu()) out << ", device=" << t.device().str();
  if (t.requires_grad()) out << ", requires_grad";
  return out << ")";
}

std::string to_string(const Tensor& t) {
  std::ostringstream s;
  s << t;
  return s.str();
}

}  // namespace trit

// cat copies each input into its slot of the output; backward hands each input the matching
// slice of the gradient. stack is cat of unsqueezed inputs; split returns views.
#include "trit/ops/join.h"

#include "trit/autograd/node.h"
#include "trit/ops/binary.h"
#include "trit/ops/view.h"

namespace trit {

Tensor cat(const std::vector<Tensor>& xs, int64_t dim) {
  TRIT_CHECK(!xs.empty(), "cat: no tensors given");
  const Tensor& first = xs[0];
  const int64_t d = wrap_dim(dim, first.dim(), "cat");
  Shape shape = first.shape();
  shape[size_t(d)] = 0;
  std::vector<int64_t> sizes;
  for (const Tensor& x : xs) {
    TRIT_CHECK(x.dim() == first.dim() && x.dtype() == first.dtype(), "cat: tensor ", shape_str(x.shape()), " ",
               dtype_name(x.dtype()), " does not match ", shape_str(first.shape()), " ", dtype_name(first.dtype()));
    for (int64_t i = 0; i < x.dim(); ++i)
      TRIT_CHECK(i == d || x.size(i) == first.size(i), "cat: shapes ", shape_str(first.shape()), " and ",
                 shape_str(x.shape()), " differ outside dim ", d);
    check_same_device("cat", {first.device(), x.device()});
    shape[size_t(d)] += x.size(d);
    sizes.push_back(x.size(d));
  }
  Tensor out = Tensor::empty(shape, first.dtype(), first.device());
  int64_t at = 0;
  for (const Tensor& x : xs) {
    Tensor slot = make_view(out, x.shape(), out.strides(), at * out.strides()[size_t(d)]);
    copy_(slot, x);  // on the tensors' device
    at += x.size(d);
  }
  if (needs_grad(xs)) {
    record("cat", out, xs, [sizes, d](const Tensor& g) {
      std::vector<Tensor> grads;
      int64_t start = 0;
      for (int64_t s : sizes) {
        grads.push_back(narrow(g, d, start, s));
        start += s;
      }
      return grads;
    });
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& xs, int64_t dim) {
  TRIT_CHECK(!xs.empty(), "stack: no tensors given");
  const int64_t d = wrap_dim(dim, xs[0].dim() + 1, "stack");
  std::vector<Tensor> parts;
  for (const Tensor& x : xs) {
    TRIT_CHECK(x.shape() == xs[0].shape(), "stack: shapes ", shape_str(xs[0].shape()), " and ", shape_str(x.shape()), " differ");
    parts.push_back(unsqueeze(x, d));
  }
  return cat(parts, d);
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  const int64_t d = wrap_dim(dim, x.dim(), "split");
  int64_t total = 0;
  for (int64_t s : sizes) total += s;
  TRIT_CHECK(total == x.size(d), "split: sizes add up to ", total, " but dim ", d, " has ", x.size(d));
  std::vector<Tensor> out;
  int64_t start = 0;
  for (int64_t s : sizes) {
    out.push_back(narrow(x, d, start, s));
    start += s;
  }
  return out;
}

}  // namespace trit

#pragma once
// Views (no copy where the layout allows) and layout changes, each differentiable.
#include <vector>

#include "trit/core/tensor.h"

namespace trit {

Tensor reshape(const Tensor& x, Shape shape);  // one dim may be -1; copies only if it must
Tensor view(const Tensor& x, Shape shape);     // never copies; throws when impossible
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& x, int64_t d0, int64_t d1);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
Tensor select(const Tensor& x, int64_t dim, int64_t index);  // drops dim
Tensor expand(const Tensor& x, const Shape& shape);          // broadcast to shape
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor squeeze(const Tensor& x, int64_t dim);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor contiguous(const Tensor& x);
Tensor clone(const Tensor& x);
Tensor to_dtype(const Tensor& x, DType dtype);  // bf16/f16 round to nearest even
// A contiguous copy on `device` (x itself when already there); the gradient flows back to x's
// device. Host <-> CUDA copies go through pinned staging buffers (backend/cuda/copy.h).
Tensor to_device(const Tensor& x, Device device);

// Sums `g` over the dims that broadcasting added to reach g's shape from `shape`.
Tensor sum_to_shape(const Tensor& g, const Shape& shape);

}  // namespace trit

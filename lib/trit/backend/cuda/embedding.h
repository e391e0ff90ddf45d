#pragma once
// Row gathers and their adjoint on CUDA tensors: x viewed as contiguous [outer, size, inner],
// the i32 index (on the device, already range-checked by the caller) picks n entries of the
// middle dim. embedding is select_rows with outer = 1. Plain C++.
#include <cstdint>

#include "trit/core/tensor.h"

namespace trit::cuda {

// out [outer, n, inner] (shaped out_shape) = x[o, index[j], :]; any dtype.
Tensor select_rows(const Tensor& x, int64_t outer, int64_t size, int64_t inner, const Tensor& index, int64_t n,
                   const Shape& out_shape);
// out (zeros of in_shape) [o, index[j], :] += g[o, j, :] (f32; float atomics, so rows hit by
// several indices sum in an unspecified order).
Tensor scatter_rows(const Tensor& g, int64_t outer, int64_t size, int64_t inner, const Tensor& index, int64_t n,
                    const Shape& in_shape);

}  // namespace trit::cuda

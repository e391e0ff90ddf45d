#pragma once
// Row gathers, gather along a dim, and their adjoints on CUDA tensors: x viewed as contiguous [outer, size, inner],
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

// out[i] = x[.., index[i] along dim, ..] for a contiguous i32 index of x's rank (checked by
// the caller) and contiguous x; any dtype. gather_backward scatter-adds g (f32, index's shape)
// into zeros of x_shape (float atomics: repeated indices add in an unspecified order).
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
Tensor gather_backward(const Tensor& g, int64_t dim, const Tensor& index, const Shape& x_shape);

}  // namespace trit::cuda

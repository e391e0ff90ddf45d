#pragma once
// Row reductions for CUDA tensors. ops/reduce.cpp lays the input out as contiguous rows
// [n_out, n_reduce] (reduced dims innermost), as on the CPU; the kernels reduce one row per
// block. Sums accumulate in double, as the CPU reference does. f32 tensors. Plain C++.
#include <cstdint>

#include "trit/core/tensor.h"

namespace trit::cuda {

enum class ReduceOp : uint8_t { sum, mean, max };

// out[i] = op(rows[i, :]) for contiguous rows [n_out, n_reduce]; out has n_out elements.
void reduce_rows(ReduceOp op, const Tensor& rows, int64_t n_out, int64_t n_reduce, Tensor& out);
// values[i] = max(rows[i, :]), indices[i] (i32) = the first position holding it.
void argmax_rows(const Tensor& rows, int64_t n_out, int64_t n_reduce, Tensor& values, Tensor& indices);
// The gradient of max along `dim`: out (contiguous, zeroed, the input's shape) gets g[i] at
// index[i] along dim, where g and index are contiguous with the input's shape but size 1 at dim.
void scatter_along_dim(const Tensor& g, const Tensor& index, int64_t dim, Tensor& out);

}  // namespace trit::cuda

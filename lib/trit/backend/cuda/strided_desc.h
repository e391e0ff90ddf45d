#pragma once
// How a CUDA kernel walks N strided operands that share a shape: dims merged on the host (the
// CPU backend's merge_dims: size-1 dims dropped, dims contiguous for every operand fused), then
// passed by value as a kernel argument. A kernel maps a linear element index i (row-major
// over `shape`) to one element offset per operand (strided_offsets in device_utils.cuh).
// Plain C++: built and tested on the CPU.
#include <array>
#include <cstdint>

#include "trit/core/error.h"
#include "trit/core/shape.h"

namespace trit::cuda {

constexpr int kMaxDims = 8;

template <int N>
struct StridedDesc {
  int ndim = 1;
  int64_t shape[kMaxDims] = {1};
  int64_t strides[N][kMaxDims] = {};
};

// Throws when more than kMaxDims dims remain after merging (naming the op and the shape).
template <int N>
StridedDesc<N> make_strided_desc(const Shape& shape, const std::array<const Strides*, N>& strides, const char* op);

// The strides of an operand of shape `from` broadcast to `to` (0 along broadcast dims).
Strides broadcast_strides(const Shape& from, const Strides& from_strides, const Shape& to);

}  // namespace trit::cuda

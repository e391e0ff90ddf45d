#pragma once
// Raw pointers into CUDA tensors for the backend (Tensor::raw_data() refuses non-CPU tensors so
// host code never dereferences device memory by mistake). Plain C++.
#include "trit/core/tensor.h"

namespace trit::cuda {

// Address of the first element of t's view, on whatever device t lives.
inline void* storage_ptr(const Tensor& t) {
  return static_cast<char*>(t.storage()->data()) + t.offset() * int64_t(dtype_size(t.dtype()));
}

// Typed device pointer; checks the tensor is on a CUDA device and has dtype `expected`.
template <typename T = void>
T* device_ptr(const Tensor& t, DType expected, const char* op) {
  TRIT_CHECK(t.device().is_cuda(), op, ": tensor", t.name_suffix(), " is on ", t.device().str(), ", expected cuda");
  TRIT_CHECK(t.dtype() == expected, op, ": tensor", t.name_suffix(), " has dtype ", dtype_name(t.dtype()),
             " where the CUDA kernel takes ", dtype_name(expected));
  return static_cast<T*>(storage_ptr(t));
}

// The CUDA kernels compute in float32; elementwise ones also read and write bf16 storage.
inline void check_f32(const Tensor& t, const char* op) {
  TRIT_CHECK(t.dtype() == DType::f32, op, ": the CUDA kernel takes f32 tensors, got ", dtype_name(t.dtype()),
             " for tensor", t.name_suffix(), " (convert with to(DType::f32))");
}

}  // namespace trit::cuda

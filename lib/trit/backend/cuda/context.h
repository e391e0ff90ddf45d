#pragma once
// The CUDA backend's per-device context: the stream every trit kernel and library call is
// issued on (one non-blocking stream per device, so work never serialises against the legacy
// default stream), the cuBLASLt handle and its workspace, and the device's properties.
// Created on first use; a device without a driver gives trit::Error from there.
#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include <cstddef>

namespace trit::cuda {

struct DeviceContext {
  int device = 0;
  cudaStream_t stream = nullptr;
  cublasLtHandle_t lt = nullptr;
  void* lt_workspace = nullptr;  // cuBLASLt workspace on this device
  size_t lt_workspace_bytes = 0;
  cudaDeviceProp props{};
};

// The context of `device` (made current with cudaSetDevice on each call).
DeviceContext& context(int device = 0);
cudaStream_t stream(int device = 0);
// Blocks until every operation issued on the device's stream is done; throws on a pending error.
void synchronize(int device = 0);

}  // namespace trit::cuda

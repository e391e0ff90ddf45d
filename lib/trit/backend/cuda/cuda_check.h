#pragma once
// Error checks for CUDA runtime and cuBLAS(Lt) calls: a failed call throws trit::Error naming
// the call, the source line and the library's own message. Include only from CUDA backend files.
#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include "trit/core/error.h"

namespace trit::cuda {

[[noreturn]] inline void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line) {
  fail("CUDA error in ", call, " at ", file, ":", line, ": ", cudaGetErrorName(err), " (", cudaGetErrorString(err),
       ")");
}

[[noreturn]] inline void throw_cublas_error(cublasStatus_t status, const char* call, const char* file, int line) {
  fail("cuBLAS error in ", call, " at ", file, ":", line, ": status ", int(status));
}

}  // namespace trit::cuda

#define TRIT_CUDA_CHECK(call)                                                            \
  do {                                                                                   \
    const cudaError_t trit_cuda_err_ = (call);                                           \
    if (trit_cuda_err_ != cudaSuccess)                                                   \
      ::trit::cuda::throw_cuda_error(trit_cuda_err_, #call, __FILE__, __LINE__);         \
  } while (0)

#define TRIT_CUBLAS_CHECK(call)                                                          \
  do {                                                                                   \
    const cublasStatus_t trit_cublas_status_ = (call);                                   \
    if (trit_cublas_status_ != CUBLAS_STATUS_SUCCESS)                                    \
      ::trit::cuda::throw_cublas_error(trit_cublas_status_, #call, __FILE__, __LINE__);  \
  } while (0)

// After a kernel launch: launch-configuration errors surface here, not at the next sync.
#define TRIT_CUDA_CHECK_LAUNCH() TRIT_CUDA_CHECK(cudaGetLastError())

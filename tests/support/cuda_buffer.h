#pragma once
// A device array for CUDA tests: cudaMalloc'd, freed on scope exit, filled from and read back to
// host vectors (synchronously, after the trit stream is done).
#include <cuda_runtime_api.h>

#include <cstddef>
#include <vector>

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"

namespace trit::test {

template <typename T>
class CudaBuffer {
 public:
  explicit CudaBuffer(size_t n) : n_(n) { TRIT_CUDA_CHECK(cudaMalloc(&ptr_, n ? n * sizeof(T) : 1)); }
  explicit CudaBuffer(const std::vector<T>& host) : CudaBuffer(host.size()) {
    TRIT_CUDA_CHECK(cudaMemcpy(ptr_, host.data(), n_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  ~CudaBuffer() { cudaFree(ptr_); }
  CudaBuffer(const CudaBuffer&) = delete;
  CudaBuffer& operator=(const CudaBuffer&) = delete;

  T* get() const { return static_cast<T*>(ptr_); }
  std::vector<T> host() const {
    trit::cuda::synchronize(0);
    std::vector<T> out(n_);
    TRIT_CUDA_CHECK(cudaMemcpy(out.data(), ptr_, n_ * sizeof(T), cudaMemcpyDeviceToHost));
    return out;
  }

 private:
  void* ptr_ = nullptr;
  size_t n_ = 0;
};

}  // namespace trit::test

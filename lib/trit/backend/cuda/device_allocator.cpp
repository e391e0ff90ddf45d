#include "trit/backend/cuda/device_allocator.h"

#include <cuda_runtime_api.h>

#include <memory>
#include <mutex>
#include <vector>

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/core/accelerator.h"

namespace trit::cuda {
namespace {

BackingMemory cuda_backing(int device) {
  BackingMemory b;
  b.allocate = [device](size_t nbytes) -> void* {
    TRIT_CUDA_CHECK(cudaSetDevice(device));
    void* p = nullptr;
    const cudaError_t err = cudaMalloc(&p, nbytes);
    if (err == cudaErrorMemoryAllocation) {
      cudaGetLastError();  // clear it: the caller empties the cache and retries
      return nullptr;
    }
    TRIT_CUDA_CHECK(err);
    return p;
  };
  b.release = [device](void* p, size_t) {
    cudaSetDevice(device);
    TRIT_CUDA_CHECK(cudaFree(p));
  };
  return b;
}

// One caching allocator per device, created on first use and never destroyed: tensors held by
// static objects may be freed after any destructor of ours would have run.
CachingAllocator& caching_allocator(int device) {
  static std::mutex mutex;
  static auto* allocators = new std::vector<std::unique_ptr<CachingAllocator>>();
  require_cuda("CUDA tensor");
  TRIT_CHECK(device >= 0 && device < cuda_device_count(), "CUDA tensor: device cuda:", device, " does not exist (",
             cuda_device_count(), " device(s))");
  std::lock_guard lock(mutex);
  if (allocators->size() < size_t(cuda_device_count())) allocators->resize(size_t(cuda_device_count()));
  auto& slot = (*allocators)[size_t(device)];
  if (!slot) slot = std::make_unique<CachingAllocator>(cuda_backing(device), "cuda:" + std::to_string(device));
  return *slot;
}

class CudaAllocator final : public Allocator {
 public:
  void* allocate(size_t nbytes, Device device) override {
    const uintptr_t s = reinterpret_cast<uintptr_t>(stream(device.index));
    return caching_allocator(device.index).allocate(nbytes, s);
  }
  void deallocate(void* ptr, size_t, Device device) override { caching_allocator(device.index).deallocate(ptr); }
};

}  // namespace

Allocator& device_allocator() {
  static CudaAllocator* a = new CudaAllocator();
  return *a;
}

AllocatorStats memory_stats(int device) { return caching_allocator(device).stats(); }

void empty_cache(int device) {
  synchronize(device);  // blocks freed on the host may still be read by queued kernels
  caching_allocator(device).release_cached();
}

}  // namespace trit::cuda

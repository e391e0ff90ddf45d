#include "trit/backend/cuda/context.h"

#include <memory>
#include <mutex>
#include <vector>

#include "trit/backend/cuda/cuda_check.h"
#include "trit/core/accelerator.h"

namespace trit::cuda {
namespace {

// 32 MiB: what cuBLASLt's heuristics ask for at most on Hopper for large GEMMs.
constexpr size_t kLtWorkspaceBytes = size_t(32) << 20;

struct ContextDeleter {
  void operator()(DeviceContext* c) const {
    // Process exit may come after the driver unloaded; errors here are not actionable.
    if (c->lt_workspace) cudaFree(c->lt_workspace);
    if (c->lt) cublasLtDestroy(c->lt);
    if (c->stream) cudaStreamDestroy(c->stream);
    delete c;
  }
};

std::unique_ptr<DeviceContext, ContextDeleter> make_context(int device) {
  TRIT_CUDA_CHECK(cudaSetDevice(device));
  std::unique_ptr<DeviceContext, ContextDeleter> c(new DeviceContext);
  c->device = device;
  TRIT_CUDA_CHECK(cudaGetDeviceProperties(&c->props, device));
  TRIT_CUDA_CHECK(cudaStreamCreateWithFlags(&c->stream, cudaStreamNonBlocking));
  TRIT_CUBLAS_CHECK(cublasLtCreate(&c->lt));
  TRIT_CUDA_CHECK(cudaMalloc(&c->lt_workspace, kLtWorkspaceBytes));
  c->lt_workspace_bytes = kLtWorkspaceBytes;
  return c;
}

}  // namespace

DeviceContext& context(int device) {
  static std::mutex mutex;
  static std::vector<std::unique_ptr<DeviceContext, ContextDeleter>> contexts;
  require_cuda("CUDA backend");
  TRIT_CHECK(device >= 0 && device < cuda_device_count(), "CUDA backend: device cuda:", device, " does not exist (",
             cuda_device_count(), " device(s))");
  std::lock_guard lock(mutex);
  if (contexts.size() < size_t(cuda_device_count())) contexts.resize(size_t(cuda_device_count()));
  auto& slot = contexts[size_t(device)];
  if (!slot) slot = make_context(device);
  TRIT_CUDA_CHECK(cudaSetDevice(device));
  return *slot;
}

cudaStream_t stream(int device) { return context(device).stream; }

void synchronize(int device) { TRIT_CUDA_CHECK(cudaStreamSynchronize(stream(device))); }

}  // namespace trit::cuda

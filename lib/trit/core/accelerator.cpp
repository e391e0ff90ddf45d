#include "trit/core/accelerator.h"

#include "trit/core/error.h"

#if TRIT_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace trit {
namespace {

struct Probe {
  int count = 0;
  std::string reason;
};

const Probe& probe() {
  static const Probe result = [] {
    Probe p;
#if TRIT_HAVE_CUDA
    const cudaError_t err = cudaGetDeviceCount(&p.count);
    if (err != cudaSuccess) {
      p.count = 0;
      p.reason = std::string("no usable CUDA device: ") + cudaGetErrorString(err);
      cudaGetLastError();  // clear the sticky error so later probes start clean
    } else if (p.count == 0) {
      p.reason = "no CUDA device found";
    }
#else
    p.reason = "this build of trit has no CUDA backend (configure with nvcc on PATH or -DTRIT_CUDA=ON)";
#endif
    return p;
  }();
  return result;
}

}  // namespace

bool cuda_available() { return probe().count > 0; }
int cuda_device_count() { return probe().count; }
std::string cuda_unavailable_reason() { return probe().reason; }

void require_cuda(const std::string& what) {
  if (!cuda_available()) fail(what, ": ", cuda_unavailable_reason());
}

}  // namespace trit

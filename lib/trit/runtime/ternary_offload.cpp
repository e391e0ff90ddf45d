#include "trit/runtime/ternary_offload.h"

#include "trit/core/accelerator.h"
#include "trit/core/error.h"
#if TRIT_HAVE_CUDA
#include "trit/backend/cuda/ternary_linear.h"
#endif

namespace trit::runtime {

std::unique_ptr<TernaryOffload> make_ternary_offload(const TernaryWeightsView& w, Device device) {
  TRIT_CHECK(device.is_cuda(), "ternary offload: device ", device.str(), " is not an accelerator");
  require_cuda("runtime device " + device.str());
#if TRIT_HAVE_CUDA
  return std::make_unique<cuda::TernaryLinear>(w, device.index);
#else
  fail("runtime device ", device.str(), ": this build of trit has no CUDA backend");
#endif
}

}  // namespace trit::runtime

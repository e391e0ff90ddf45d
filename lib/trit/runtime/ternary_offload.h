#pragma once
// A ternary projection computed on an accelerator: the runtime keeps its CPU orchestration
// (norms, RoPE, attention, the KV cache) and hands each BitLinear product, the bulk of the work,
// to a device copy of the weights. The result is LinearWeights::forward's, bit for bit: the
// device computes the same exact int32 dots and the same float(dot) / (sx * sw).
// Declared in every build; without the CUDA backend make_ternary_offload is an error.
#include <cstddef>
#include <memory>

#include "trit/core/device.h"
#include "trit/runtime/activation_quant.h"
#include "trit/runtime/ternary_pack.h"

namespace trit::runtime {

class TernaryOffload {
 public:
  virtual ~TernaryOffload() = default;
  // y[t * y_stride + r] for t < x.n_tokens, r < rows: host activations in, host results out
  // (synchronous). x.stride >= x.cols; entries past cols are not read.
  virtual void forward(const Int8ActivationsView& x, float* y, size_t y_stride) const = 0;
  virtual size_t device_bytes() const = 0;
};

// A copy of `w` on `device` (CUDA only). Throws trit::Error naming the device when it cannot be
// used or the build has no CUDA backend.
std::unique_ptr<TernaryOffload> make_ternary_offload(const TernaryWeightsView& w, Device device);

}  // namespace trit::runtime

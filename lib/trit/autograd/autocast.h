#pragma once
// Mixed precision by autocast, per thread (like GradMode). Under an AutocastGuard(bf16):
//   - matmul (and so linear and every projection) casts float32 operands to bf16, multiplies
//     with float32 accumulation, and returns float32;
//   - causal_attention on a CUDA device runs its fused kernel on bf16 copies (on the CPU the
//     composed op's matmuls autocast one by one, its softmax stays float32);
//   - everything else (norms, softmax, losses, optimizer steps) is untouched: float32.
// The casts are ordinary differentiable to_dtype ops, so gradients flow back through them and
// reach the float32 master weights as float32; the optimizer state never sees bf16. Results
// come back as float32 so no other op needs a bf16 kernel; on a GPU the bf16 operands are
// what the tensor cores read.
// AutocastGuard(f16) does the same with float16 (use a DynamicLossScaler with it); the fused
// CUDA attention has no f16 kernel and stays float32 then. Only float32 inputs are cast:
// float64 (gradient checks) and integer tensors pass through unchanged.
// Guards nest; each restores what it found. AutocastGuard(dtype, false) turns autocast off
// for a scope.
#include <initializer_list>
#include <optional>

#include "trit/core/tensor.h"

namespace trit {

class AutocastGuard {
 public:
  explicit AutocastGuard(DType dtype = DType::bf16, bool enabled = true);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool prev_enabled_;
  DType prev_dtype_;
};

bool autocast_enabled();
DType autocast_dtype();  // the innermost guard's dtype (bf16 when none)

// The dtype an autocast op should compute in: the guard's dtype when autocast is on and every
// input is a defined float32 tensor; nullopt otherwise (the op runs as it is).
std::optional<DType> autocast_compute_dtype(std::initializer_list<Tensor> inputs);

}  // namespace trit

#pragma once
// Global-norm gradient clipping, as torch.nn.utils.clip_grad_norm_: the L2 norm over the
// gradients of all parameters taken together; when it exceeds max_norm every gradient is
// scaled by max_norm / (norm + 1e-6). Parameters without a gradient are skipped.
#include <vector>

#include "trit/core/tensor.h"

namespace trit::optim {

struct ClipResult {
  double norm = 0.0;     // total norm before clipping (accumulated in double)
  bool finite = true;    // false: the norm is inf or nan; gradients were left untouched
  bool clipped = false;  // gradients were scaled
};

// The global L2 norm of the gradients (no change).
double grad_norm(const std::vector<Tensor>& params);

// Clips in place and reports the norm before clipping. A non-finite norm leaves the gradients
// as they are and reports finite = false, so the caller can skip the step and say why.
ClipResult clip_grad_norm(const std::vector<Tensor>& params, double max_norm);

}  // namespace trit::optim

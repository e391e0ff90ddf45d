#pragma once
#include "trit/core/rng.h"
#include "trit/core/tensor.h"

namespace trit {

// Zeroes each element with probability p and scales the rest by 1/(1-p); identity when p = 0
// or not training. The mask comes from the counter-based generator (deterministic).
Tensor dropout(const Tensor& x, double p, Generator& gen, bool training = true);

}  // namespace trit

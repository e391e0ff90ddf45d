#pragma once
// Parameter initialisation, in place and outside autograd. Random draws come from the
// counter-based trit::Generator, so a seed gives the same weights on any thread count.
#include "trit/core/rng.h"
#include "trit/core/tensor.h"

namespace trit::nn::init {

// t = mean + std * N(0, 1), drawn in float64 and rounded once to t's dtype.
void normal_(Tensor t, double std, Generator& gen, double mean = 0.0);
// t = uniform in [lo, hi).
void uniform_(Tensor t, double lo, double hi, Generator& gen);
void zeros_(Tensor t);
void ones_(Tensor t);
void constant_(Tensor t, double value);

}  // namespace trit::nn::init

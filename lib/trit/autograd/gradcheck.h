#pragma once
// Finite-difference gradient check in float64. f maps the inputs to a tensor of any shape;
// each input that requires grad is perturbed element by element (through its strides, so
// non-contiguous inputs are checked as they are) and the central difference
// (f(x+eps) - f(x-eps)) / 2eps is compared with the gradient autograd computes for
// sum(f(x) * r), r a fixed random weighting of the outputs (several r's, so every Jacobian
// entry is exercised).
#include <functional>
#include <string>
#include <vector>

#include "trit/core/tensor.h"

namespace trit {

struct GradcheckOptions {
  double eps = 1e-6;
  double atol = 1e-6;
  double rtol = 1e-5;
  int n_projections = 2;
  uint64_t seed = 1234;
};

struct GradcheckResult {
  bool ok = true;
  double max_abs_error = 0;
  std::string message;  // first mismatch: input, element, analytic, numeric
};

using GradcheckFn = std::function<Tensor(const std::vector<Tensor>&)>;

GradcheckResult gradcheck(const GradcheckFn& f, const std::vector<Tensor>& inputs, GradcheckOptions options = {});

}  // namespace trit

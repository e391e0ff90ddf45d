#pragma once
#include <vector>

#include "trit/core/tensor.h"

namespace trit {

Tensor cat(const std::vector<Tensor>& xs, int64_t dim);
Tensor stack(const std::vector<Tensor>& xs, int64_t dim);
// Splits x along dim into pieces of the given sizes (views).
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim);

}  // namespace trit

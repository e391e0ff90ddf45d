#pragma once
// Reductions over dims. An empty dims list reduces over every dim.
#include <utility>
#include <vector>

#include "trit/core/tensor.h"

namespace trit {

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
// Largest value over dims; the gradient is shared equally among tied maxima (as torch.amax).
Tensor amax(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
// Largest value along one dim and its index (i32); the gradient goes to that index.
std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim = false);

}  // namespace trit

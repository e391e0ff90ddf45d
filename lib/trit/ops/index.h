#pragma once
// Indexing with integer (i32) index tensors.
#include "trit/core/tensor.h"

namespace trit {

// weight [V, D], ids i32 of any shape -> [..., D]. Backward scatter-adds into weight's rows.
Tensor embedding(const Tensor& weight, const Tensor& ids);
// Picks entries of x along dim by a 1-D index: out.shape[dim] = index.numel().
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
// out[i][j] = x[i][index[i][j]] (for dim 1); index has x's rank.
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);

}  // namespace trit

#pragma once
#include "trit/core/tensor.h"

namespace trit {

Tensor softmax(const Tensor& x, int64_t dim = -1);
Tensor log_softmax(const Tensor& x, int64_t dim = -1);
// Mean cross-entropy of logits [N, V] against i32 targets [N]; targets equal to
// ignore_index count neither in the loss nor in the mean. Fused: one pass for the forward,
// backward (softmax - onehot) / n_valid without materialising log-probabilities.
Tensor cross_entropy(const Tensor& logits, const Tensor& targets, int64_t ignore_index = -100);

}  // namespace trit

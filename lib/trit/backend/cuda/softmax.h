#pragma once
// Softmax, log-softmax and the fused softmax cross-entropy on CUDA tensors, over the last dim
// of contiguous f32 rows, one block per row. The arithmetic follows ops/softmax.cpp: the row
// max is subtracted, sums accumulate in double, cross-entropy works in double per row.
// Plain C++.
#include <cstdint>

#include "trit/core/tensor.h"

namespace trit::cuda {

Tensor softmax_forward(const Tensor& x);                     // x contiguous [..., n]
Tensor softmax_backward(const Tensor& g, const Tensor& y);   // dx = y (g - sum(g y))
Tensor log_softmax_forward(const Tensor& x);
Tensor log_softmax_backward(const Tensor& g, const Tensor& y);  // dx = g - exp(y) sum(g)

// Mean cross-entropy of logits [N, V] (contiguous) against i32 targets [N] on the same device
// (already checked by the caller: each in [0, V) or ignore_index); n_valid counts the rows
// that are not ignored. Returns the loss as a 0-d tensor and the per-row log-sum-exp (f64 [N])
// that the backward reuses.
struct CrossEntropyForward {
  Tensor loss, lse;
};
CrossEntropyForward cross_entropy_forward(const Tensor& logits, const Tensor& targets, int64_t ignore_index,
                                          int64_t n_valid);
// dlogits = g (softmax - onehot(target)) / n_valid on valid rows, 0 on ignored rows; g is the
// 0-d incoming gradient, read on the device.
Tensor cross_entropy_backward(const Tensor& g, const Tensor& logits, const Tensor& targets, const Tensor& lse,
                              int64_t ignore_index, int64_t n_valid);

}  // namespace trit::cuda

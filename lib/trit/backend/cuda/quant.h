#pragma once
// The BitNet b1.58 fake quantizers on contiguous f32 CUDA tensors, with the arithmetic of
// ops/quant.cpp (float scales, round half to even, clamp, dequantize):
//   weights:     sw = 1 / max(mean|W|, 1e-5) (the mean summed in double), Wq = clamp(round(W sw), -1, 1) / sw
//   activations: sx = 127 / max(max|x|, 1e-5) per row of the last dim, xq = clamp(round(x sx), -128, 127) / sx
// The straight-through backward is the identity and needs no kernel. Plain C++.
#include "trit/core/tensor.h"

namespace trit::cuda {

// The per-tensor weight scale sw as a 1-element f32 tensor on w's device.
Tensor ternary_weight_scale(const Tensor& w);
Tensor weight_quant_ternary(const Tensor& w);
// sx per row, shaped like x with the last dim 1.
Tensor int8_act_scales(const Tensor& x);
Tensor act_quant_int8(const Tensor& x);

}  // namespace trit::cuda

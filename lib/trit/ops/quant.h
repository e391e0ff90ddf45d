#pragma once
// The quantizers of BitNet b1.58 as fake quantization with straight-through gradients
// (DESIGN.md, "Numerics that must be exact"):
//   weights, per tensor:  sw = 1 / max(mean|W|, 1e-5),  Wq = clamp(round(W sw), -1, 1)
//   activations, per token (last dim):  sx = 127 / max(max|x|, 1e-5),
//                                       xq = clamp(round(x sx), -128, 127)
// round is to nearest, ties to even (as torch.round). The forward returns the dequantized
// values Wq / sw and xq / sx; the backward passes the gradient through unchanged (STE), so in
// y = act_quant(x) @ weight_quant(W)^T the gradient of x uses the quantized W and the
// gradient of W the quantized x.
#include "trit/core/tensor.h"

namespace trit {

Tensor weight_quant_ternary(const Tensor& w);
Tensor act_quant_int8(const Tensor& x);

// The scales themselves (no autograd): sw for a weight, sx per row of x ([..., 1]).
double ternary_weight_scale(const Tensor& w);
Tensor int8_act_scales(const Tensor& x);

// y = act_quant_int8(x) @ weight_quant_ternary(w)^T, the BitLinear product.
Tensor bitlinear(const Tensor& x, const Tensor& w);

}  // namespace trit

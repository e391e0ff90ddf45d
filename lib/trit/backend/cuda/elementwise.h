#pragma once
// Elementwise CUDA kernels: binary ops with NumPy broadcasting over strided inputs, unary ops
// and their derivatives, and the in-place updates. Inputs are f32 or bf16 (computed in f32,
// bf16 results rounded to nearest even); results are new contiguous tensors on the inputs'
// device. The formulas are the CPU backend's (ops/unary.cpp, ops/binary.cpp). Plain C++.
#include <cstdint>

#include "trit/backend/cuda/kernel_math.h"  // BinaryOp, UnaryOp and their formulas
#include "trit/core/tensor.h"

namespace trit::cuda {

// Scalar parameters of a unary op: clamp's [lo, hi] in a and b, pow's exponent in a.
struct UnaryParams {
  double a = 0, b = 0;
};

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, const char* name);
Tensor unary(UnaryOp op, const Tensor& x, UnaryParams p, const char* name);
// dx from the saved input x, output y and the incoming gradient g (all of one shape).
Tensor unary_backward(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& g, UnaryParams p, const char* name);

void add_inplace(Tensor& a, const Tensor& b, double alpha);  // a += alpha * b, b broadcast to a
void scale_inplace(Tensor& a, double s);                     // a *= s

}  // namespace trit::cuda

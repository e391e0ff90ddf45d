#pragma once
// Rotary position embedding (rotate-half layout) on a contiguous f32 CUDA tensor x [B, H, T, D]:
// for i < D/2, angle = (pos0 + t) theta^(-2i/D); direction -1 applies the inverse rotation (the
// backward). cos/sin are computed in double and rounded to float, as ops/rope.cpp. Plain C++.
#include <cstdint>

#include "trit/core/tensor.h"

namespace trit::cuda {

Tensor rope_rotate(const Tensor& x, int64_t pos0, double theta, double direction);

}  // namespace trit::cuda

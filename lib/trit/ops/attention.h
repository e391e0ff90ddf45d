#pragma once
#include "trit/core/tensor.h"

namespace trit {

// Causal scaled dot-product attention with grouped-query heads.
//   q [B, H, T, D], k and v [B, Hkv, S, D] with H a multiple of Hkv; query t sits at absolute
//   position S - T + t and sees keys 0 ..= that position (so a KV cache of S - T earlier
//   tokens works). scale defaults to 1/sqrt(D). Returns [B, H, T, D].
Tensor causal_attention(const Tensor& q, const Tensor& k, const Tensor& v, double scale = 0.0);

// Sets entries above the causal diagonal (key s > query position offset + t) to -inf in
// scores [..., T, S]. Gradient is zero there.
Tensor causal_mask(const Tensor& scores, int64_t offset);

}  // namespace trit

#pragma once
// Sparse (top-1 routed) gated FFN over tiles, executed grouped: tokens are sorted by the tile
// that serves them and every tile runs its three projections on its own rows only, one GEMM
// per tile and projection, in the forward and in the backward. Shapes (N tokens, C model
// width, F tile width, E tiles):
//   x [N, C]; tile e: gate [F, C], up [F, C], down [C, F], sub_norm [F] (or undefined);
//   tile_of_token: N ints in [0, E); gate_scale [N] or undefined; result [N, C]:
//   y[n] = gate_scale[n] * FFN_{tile_of_token[n]}(x[n]),
//   FFN(x) = down(subnorm(act(gate x) * up x)), act = silu or relu^2, each projection a
//   BitLinear (ternary weights, int8 activations, STE; trit/ops/quant.h) or a plain linear.
// BitLinear's activation scale is per token and its weight scale per tensor, so grouping does
// not change any value: the result equals computing every tile on every token and keeping
// the routed one (masked_glu_ffn_reference, for tests), at 1/E of the cost.
#include <cstdint>
#include <span>
#include <vector>

#include "trit/core/tensor.h"

namespace trit {

struct TileWeights {
  Tensor gate, up, down;  // [F, C], [F, C], [C, F]
  Tensor sub_norm;        // [F] or undefined (no sub-norm)
};

struct GroupedFfnOptions {
  bool ternary = true;   // BitLinear projections; false: plain linear
  bool relu2 = false;    // activation relu^2 instead of silu
  double norm_eps = 1e-5;
};

// Row order that groups tokens by tile: perm lists the tokens of tile 0, then tile 1, ...;
// offsets[e] .. offsets[e + 1] is tile e's range in perm; inverse[perm[i]] = i.
struct TileGroups {
  std::vector<int32_t> perm, inverse;
  std::vector<int64_t> offsets;  // E + 1 entries
  int64_t count(int64_t e) const { return offsets[size_t(e) + 1] - offsets[size_t(e)]; }
};
TileGroups group_by_tile(std::span<const int32_t> tile_of_token, int64_t n_tiles);

// One tile's FFN on the rows given (any leading shape).
Tensor tile_glu_ffn(const Tensor& x, const TileWeights& w, const GroupedFfnOptions& options);

Tensor grouped_glu_ffn(const Tensor& x, const std::vector<TileWeights>& tiles, std::span<const int32_t> tile_of_token,
                       const Tensor& gate_scale, const GroupedFfnOptions& options);

// Reference: every tile on every token, multiplied by a one-hot mask. E times the work.
Tensor masked_glu_ffn_reference(const Tensor& x, const std::vector<TileWeights>& tiles,
                                std::span<const int32_t> tile_of_token, const Tensor& gate_scale,
                                const GroupedFfnOptions& options);

}  // namespace trit

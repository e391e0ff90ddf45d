#pragma once
// Top-1 routers of the TriX sparse FFN (trit/nn/tile_ffn.h). Shapes: x [N, C], E tiles.
//   signature: parameter-free, as the public TriX project routes: tile e's signature is
//              sign(sum over rows of its ternary up weight), a vector in {-1, 0, +1}^C;
//              score[n, e] = x[n] . sig_e, the tile is the argmax (ties: lowest index).
//              No gradient flows through the choice.
//   learned:   logits = x Wr^T (Wr [E, C], full precision), p = softmax(logits), the tile is
//              argmax p and the tile's output is scaled by p[n, tile] (Switch Transformer),
//              so the router's weights get a gradient through the kept probability.
//   learned_st: as learned, but the forward value of the scale is 1 (g = 1 + p - stop_grad(p)):
//              the tile's output enters at full size from the first step, the router still
//              gets the gradient of the kept probability (straight-through gate).
//   hash:      tile = a fixed hash of (token id, layer) mod E; the baseline routers must beat.
// Router prior (learned routers, optional): logits += B[token], B [vocab, E] a learned table
// that starts at `prior` on each token's hash tile and 0 elsewhere. The residual stream of a
// young model is nearly one direction shared by every token (over 97% of its energy in the
// first ~100 steps on TinyStories), so a router reading only x sends every token to the same
// tile; the prior gives each token a distinct starting tile, and router and prior then learn
// to move tokens by context and load (docs/trix.md, "Routers").
// Router learning-rate factor s (learned routers): logits = s * x Wr^T, Wr initialised with
// std init_std / s. Adam's step does not depend on the gradient's scale, so each step moves the
// logits s times as far as it would at s = 1, from the same start: the router learns s times
// slower than the tiles without an optimizer parameter group of its own. The export folds s
// into the router weights.
#include <cstdint>
#include <string>
#include <vector>

#include "trit/core/tensor.h"

namespace trit::nn {

enum class RouterKind { signature, learned, learned_st, hash };
RouterKind parse_router_kind(const std::string& name);  // "signature" | "learned" | "learned_st" | "hash"
const char* router_kind_name(RouterKind kind);

// [E, C] of -1, 0, +1 (dtype of the weights) from the E up weights [F, C].
Tensor tile_signatures(const std::vector<Tensor>& up_weights);

// Row-wise argmax of scores [N, E] (no autograd); ties go to the lowest index.
std::vector<int32_t> argmax_rows(const Tensor& scores);

// splitmix64 of (token, layer), reduced mod n_tiles: deterministic on every platform.
int32_t hash_tile(int64_t token, int64_t layer, int64_t n_tiles);

// The start value of the router prior: [vocab, E], `prior` at (v, hash_tile(v, layer, E)).
Tensor token_prior_init(int64_t vocab, int64_t n_tiles, int64_t layer, double prior);

// Dense router gradient under top-1 execution (router_dense_grad; the "default output" idea
// of Panda et al. 2025, "Dense Backpropagation Improves Training for Sparse MoE", with this
// batch's mean in place of a running mean). Top-1 gives the router a gradient only for the
// tile it chose, which tells it "trust this tile more or less" and never which other tile
// would have served better. The returned [N, C] is exactly zero in value; its gradient gives
// probs[n, e], for every tile e not chosen for row n, the term <dL/dy[n], m_e>, m_e the mean
// output of tile e over the rows routed to it in this batch (0 for an idle tile).
// tile_out [N, C]: each row's output of its own tile, before the gate (treated as a constant).
Tensor router_stand_in(const Tensor& probs, const std::vector<int32_t>& tile, const Tensor& tile_out);

// Switch Transformer's load-balancing loss: E * sum_e f_e * P_e, f_e the fraction of tokens
// routed to e (a constant), P_e the mean over tokens of probs[:, e] ([N, E], differentiable).
Tensor load_balance_loss(const Tensor& probs, const std::vector<int64_t>& counts);

}  // namespace trit::nn

#pragma once
// The routing decision of the TriX runtime, in one place: which tile each token goes to and
// the factor its output is scaled by, exactly as the training side routes (trit/nn/tile_router.h,
// trit/nn/tile_ffn.cpp; file layout in docs/formats.md, "TriX GGUF"):
//   signature   score[e] = u . sig_e, sig_e = sign of the column sums of tile e's ternary up
//               weight; tile = argmax (lowest index on ties); gate 1.
//   learned     p = softmax(u Wr^T) (Wr = blk.N.ffn_gate_inp.weight, float); tile = argmax p;
//               gate p[tile] (the training side's softmax: float fast_exp, sum in double).
//   learned_st  as learned, gate 1.
//   (learned and learned_st add the router prior's row of the token, blk.N.ffn_gate_tok.weight,
//   to the logits before the softmax when the file has it.)
//   hash        tile = nn::hash_tile(token id, layer, E); gate 1.
// u is the layer's ffn_norm output in float32 (the router sees it unquantized, as in training).
// A new router kind is a case in load_tile_router (what it reads from the file) and one in
// route_tokens (the decision); the compiler's -Wswitch flags a kind missing from either.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "trit/formats/gguf_reader.h"
#include "trit/nn/tile_router.h"
#include "trit/runtime/ternary_pack.h"
#include "trit/runtime/thread_pool.h"

namespace trit::runtime {

struct TileRouter {
  nn::RouterKind kind = nn::RouterKind::signature;
  size_t n_tiles = 0, d_model = 0;
  int64_t layer = 0;             // mixed into the hash router's hash
  std::vector<float> weights;    // [n_tiles, d_model]: signatures or router weights; empty for hash
  std::vector<float> weights_t;  // the same, [d_model, n_tiles] (the few-rows path)
  std::vector<float> token_prior;  // [vocab, n_tiles] added to learned logits; empty when none
};

// A router from its parts; weights [n_tiles, d_model] (empty for a router that has none).
TileRouter make_tile_router(nn::RouterKind kind, size_t n_tiles, size_t d_model, int64_t layer,
                            std::vector<float> weights);

// sig[e * C + c] = sign(sum_f W_e[f][c]) over the ternary values of each tile's up weight [F, C].
std::vector<float> tile_signatures(std::span<const TernaryWeightsView> up);

// The router of layer `layer` of a trix file; `up` are that layer's tile up weights.
TileRouter load_tile_router(const formats::GgufReader& reader, nn::RouterKind kind, int64_t layer, size_t n_tiles,
                            size_t d_model, std::span<const TernaryWeightsView> up);

// For n rows of u (row stride u_stride): tile[t] in [0, n_tiles) and gate[t]. tokens: the
// rows' token ids (read by the hash router and the router prior). scores: scratch of n * n_tiles floats.
void route_tokens(const TileRouter& router, const float* u, size_t n, size_t u_stride, const int32_t* tokens,
                  int32_t* tile, float* gate, float* scores, ThreadPool* pool);

}  // namespace trit::runtime

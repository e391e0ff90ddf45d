#include "trit/runtime/tile_routing.h"

#include <cstring>

#include "trit/backend/cpu/fast_exp.h"
#include "trit/core/error.h"
#include "trit/runtime/linear_weights.h"

namespace trit::runtime {
namespace {

// Row-wise argmax, ties to the lowest index (trit::nn::argmax_rows).
int32_t argmax(const float* row, size_t n) {
  size_t best = 0;
  for (size_t e = 1; e < n; ++e)
    if (row[e] > row[best]) best = e;
  return int32_t(best);
}

// In place, as the training side's softmax_last computes it for float.
void softmax_row(float* row, size_t n) {
  float m = row[0];
  for (size_t i = 1; i < n; ++i) m = std::max(m, row[i]);
  for (size_t i = 0; i < n; ++i) row[i] = cpu::fast_exp(row[i] - m);  // separate loops: this one vectorizes
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += double(row[i]);
  const float inv = float(1.0 / s);
  for (size_t i = 0; i < n; ++i) row[i] *= inv;
}

// s[k] = sum_c w[c * stride + k] * u[c] for k < 8V: V 8-float vectors (GCC vector extensions)
// as independent accumulator chains held in registers, one broadcast of u[c] per column.
template <int V>
void scores_block(const float* w, size_t stride, const float* u, size_t C, float* s) {
  using v8 = float __attribute__((vector_size(32)));
  v8 acc[V];
#pragma GCC unroll 8
  for (int k = 0; k < V; ++k) acc[k] = v8{};
  for (size_t c = 0; c < C; ++c, w += stride) {
    const v8 x = v8{} + u[c];
#pragma GCC unroll 8
    for (int k = 0; k < V; ++k) {
      v8 wk;
      std::memcpy(&wk, w + 8 * k, sizeof wk);
      acc[k] += wk * x;
    }
  }
  std::memcpy(s, acc, sizeof acc);
}

// scores[t * E + e] = w[e] . u[t]. A batch goes through BLAS; a few rows (generation) use a
// vector loop over the transposed weights (a BLAS call for one row costs several times its
// E * C multiply-adds). Both round differently only at float precision, which can decide
// only exact near-ties.
void router_scores(const TileRouter& r, const float* u, size_t n, size_t u_stride, float* scores, ThreadPool* pool) {
  const size_t E = r.n_tiles, C = r.d_model;
  TRIT_CHECK(r.weights.size() == E * C && r.weights_t.size() == E * C, "route_tokens: the ",
             nn::router_kind_name(r.kind), " router has ", r.weights.size(), " weights, expected ", E * C);
  if (n >= 8) {
    dense_matmul(r.weights.data(), E, C, u, n, u_stride, scores, E, pool);
    return;
  }
  for (size_t t = 0; t < n; ++t) {
    const float* ut = u + t * u_stride;
    float* st = scores + t * E;
    size_t e0 = 0;
    for (; e0 + 64 <= E; e0 += 64) scores_block<8>(r.weights_t.data() + e0, E, ut, C, st + e0);
    for (; e0 + 32 <= E; e0 += 32) scores_block<4>(r.weights_t.data() + e0, E, ut, C, st + e0);
    for (; e0 < E; ++e0) {
      float acc = 0;
      for (size_t c = 0; c < C; ++c) acc += r.weights_t[c * E + e0] * ut[c];
      st[e0] = acc;
    }
  }
}

}  // namespace

std::vector<float> tile_signatures(std::span<const TernaryWeightsView> up) {
  TRIT_CHECK(!up.empty(), "tile_signatures: no tiles");
  const size_t C = up[0].cols;
  std::vector<float> sig;
  sig.reserve(up.size() * C);
  std::vector<int32_t> colsum(C);
  for (size_t e = 0; e < up.size(); ++e) {
    TRIT_CHECK(up[e].cols == C, "tile_signatures: tile ", e, " has ", up[e].cols, " columns, tile 0 has ", C);
    std::fill(colsum.begin(), colsum.end(), 0);
    for (size_t f = 0; f < up[e].rows; ++f) {
      for (size_t c = 0; c < C; ++c) colsum[c] += ternary_weight(up[e], f, c);
    }
    for (int32_t s : colsum) sig.push_back(s > 0 ? 1.0f : (s < 0 ? -1.0f : 0.0f));
  }
  return sig;
}

TileRouter make_tile_router(nn::RouterKind kind, size_t n_tiles, size_t d_model, int64_t layer,
                            std::vector<float> weights) {
  TRIT_CHECK(n_tiles > 0 && d_model > 0, "tile router: n_tiles (", n_tiles, ") and d_model (", d_model,
             ") must be positive");
  TRIT_CHECK(weights.empty() || weights.size() == n_tiles * d_model, "tile router: ", weights.size(),
             " weights for ", n_tiles, " tiles of width ", d_model);
  TileRouter r;
  r.kind = kind;
  r.n_tiles = n_tiles;
  r.d_model = d_model;
  r.layer = layer;
  r.weights = std::move(weights);
  r.weights_t.resize(r.weights.size());
  for (size_t e = 0; e < n_tiles && !r.weights.empty(); ++e) {
    for (size_t c = 0; c < d_model; ++c) r.weights_t[c * n_tiles + e] = r.weights[e * d_model + c];
  }
  return r;
}

TileRouter load_tile_router(const formats::GgufReader& reader, nn::RouterKind kind, int64_t layer, size_t n_tiles,
                            size_t d_model, std::span<const TernaryWeightsView> up) {
  std::vector<float> weights;
  switch (kind) {
    case nn::RouterKind::signature:
      weights = tile_signatures(up);
      break;
    case nn::RouterKind::learned:
    case nn::RouterKind::learned_st:
      weights = read_float_tensor(reader, "blk." + std::to_string(layer) + ".ffn_gate_inp.weight",
                                  {int64_t(d_model), int64_t(n_tiles)});
      if (const auto* info = reader.find_tensor("blk." + std::to_string(layer) + ".ffn_gate_tok.weight")) {
        TRIT_CHECK(info->shape.size() == 2 && info->shape[0] == int64_t(n_tiles) && info->shape[1] > 0,
                   reader.path().string(), ": tensor '", info->name, "' must be [", n_tiles, ", n_vocab]");
        TileRouter r = make_tile_router(kind, n_tiles, d_model, layer, std::move(weights));
        r.token_prior = read_float_tensor(reader, info->name, {int64_t(n_tiles), info->shape[1]});
        return r;
      }
      break;
    case nn::RouterKind::hash:
      break;
  }
  return make_tile_router(kind, n_tiles, d_model, layer, std::move(weights));
}

void route_tokens(const TileRouter& r, const float* u, size_t n, size_t u_stride, const int32_t* tokens,
                  int32_t* tile, float* gate, float* scores, ThreadPool* pool) {
  const size_t E = r.n_tiles;
  switch (r.kind) {
    case nn::RouterKind::signature:
      router_scores(r, u, n, u_stride, scores, pool);
      for (size_t t = 0; t < n; ++t) {
        tile[t] = argmax(scores + t * E, E);
        gate[t] = 1.0f;
      }
      return;
    case nn::RouterKind::learned:
    case nn::RouterKind::learned_st:
      router_scores(r, u, n, u_stride, scores, pool);
      for (size_t t = 0; t < n; ++t) {
        float* p = scores + t * E;
        if (!r.token_prior.empty()) {
          const size_t vocab = r.token_prior.size() / E;
          TRIT_CHECK(tokens[t] >= 0 && size_t(tokens[t]) < vocab, "route_tokens: token ", tokens[t],
                     " is outside the router prior's vocabulary of ", vocab);
          const float* b = r.token_prior.data() + size_t(tokens[t]) * E;
          for (size_t e = 0; e < E; ++e) p[e] += b[e];
        }
        softmax_row(p, E);
        tile[t] = argmax(p, E);
        gate[t] = r.kind == nn::RouterKind::learned ? p[tile[t]] : 1.0f;
      }
      return;
    case nn::RouterKind::hash:
      for (size_t t = 0; t < n; ++t) {
        tile[t] = nn::hash_tile(tokens[t], r.layer, int64_t(E));
        gate[t] = 1.0f;
      }
      return;
  }
  fail("route_tokens: unknown router kind");
}

}  // namespace trit::runtime

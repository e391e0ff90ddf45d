#include "trit/runtime/tile_routing.h"

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
  double s = 0;
  for (size_t i = 0; i < n; ++i) {
    row[i] = cpu::fast_exp(row[i] - m);
    s += double(row[i]);
  }
  const float inv = float(1.0 / s);
  for (size_t i = 0; i < n; ++i) row[i] *= inv;
}

// Dot product with 32 independent partial sums (vector lanes; see decoder_ops.cpp's dot8).
float dot(const float* a, const float* b, size_t n) {
  float part[32] = {};
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    for (size_t k = 0; k < 32; ++k) part[k] += a[i + k] * b[i + k];
  }
  for (size_t k = 0; k < 16; ++k) part[k] += part[k + 16];
  for (size_t k = 0; k < 8; ++k) part[k] += part[k + 8];
  float s = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

// scores[t * E + e] = w[e] . u[t]. A batch goes through BLAS; a few rows (generation) use a
// plain vector loop, since a BLAS call for one row costs several times its 16K multiply-adds.
// (Both round differently only at float precision, which can decide only exact near-ties.)
void router_scores(const TileRouter& r, const float* u, size_t n, size_t u_stride, float* scores, ThreadPool* pool) {
  const size_t E = r.n_tiles, C = r.d_model;
  if (n >= 8) {
    dense_matmul(r.weights.data(), E, C, u, n, u_stride, scores, E, pool);
    return;
  }
  for (size_t t = 0; t < n; ++t) {
    for (size_t e = 0; e < E; ++e) scores[t * E + e] = dot(r.weights.data() + e * C, u + t * u_stride, C);
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

TileRouter load_tile_router(const formats::GgufReader& reader, nn::RouterKind kind, int64_t layer, size_t n_tiles,
                            size_t d_model, std::span<const TernaryWeightsView> up) {
  TileRouter r;
  r.kind = kind;
  r.n_tiles = n_tiles;
  r.d_model = d_model;
  r.layer = layer;
  switch (kind) {
    case nn::RouterKind::signature:
      r.weights = tile_signatures(up);
      break;
    case nn::RouterKind::learned:
    case nn::RouterKind::learned_st:
      r.weights = read_float_tensor(reader, "blk." + std::to_string(layer) + ".ffn_gate_inp.weight",
                                    {int64_t(d_model), int64_t(n_tiles)});
      break;
    case nn::RouterKind::hash:
      break;
  }
  return r;
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

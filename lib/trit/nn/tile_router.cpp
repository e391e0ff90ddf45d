#include "trit/nn/tile_router.h"

#include "trit/autograd/grad_mode.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/ops/ops.h"

namespace trit::nn {

RouterKind parse_router_kind(const std::string& name) {
  if (name == "signature") return RouterKind::signature;
  if (name == "learned") return RouterKind::learned;
  if (name == "learned_st") return RouterKind::learned_st;
  if (name == "hash") return RouterKind::hash;
  fail("unknown TriX router '", name, "' (valid: signature, learned, learned_st, hash)");
}

const char* router_kind_name(RouterKind kind) {
  switch (kind) {
    case RouterKind::signature: return "signature";
    case RouterKind::learned: return "learned";
    case RouterKind::learned_st: return "learned_st";
    case RouterKind::hash: return "hash";
  }
  return "?";
}

Tensor tile_signatures(const std::vector<Tensor>& up_weights) {
  TRIT_CHECK(!up_weights.empty(), "tile_signatures: no tiles");
  NoGradGuard no_grad;
  const int64_t C = up_weights[0].size(1);
  std::vector<double> sig;
  sig.reserve(size_t(int64_t(up_weights.size()) * C));
  for (size_t e = 0; e < up_weights.size(); ++e) {
    TRIT_CHECK(up_weights[e].dim() == 2 && up_weights[e].size(1) == C, "tile_signatures: up weight of tile ", e,
               " is ", shape_str(up_weights[e].shape()), ", expected [F, ", C, "]");
    // Column sums of the ternary values themselves (Wq * sw in {-1, 0, 1}).
    const double sw = ternary_weight_scale(up_weights[e]);
    const auto colsum = sum(weight_quant_ternary(up_weights[e]), {0}).to_vector<double>();
    for (double s : colsum) {
      const double t = s * sw;  // an integer up to rounding
      sig.push_back(t > 0.5 ? 1.0 : (t < -0.5 ? -1.0 : 0.0));
    }
  }
  return Tensor::from_vector(sig, {int64_t(up_weights.size()), C}).to(up_weights[0].dtype()).to(up_weights[0].device());
}

std::vector<int32_t> argmax_rows(const Tensor& scores) {
  TRIT_CHECK(scores.dim() == 2, "argmax_rows: scores must be [N, E], got ", shape_str(scores.shape()));
  const int64_t N = scores.size(0), E = scores.size(1);
  const auto v = scores.to_vector<double>();
  std::vector<int32_t> out(size_t(N), 0);
  for (int64_t n = 0; n < N; ++n) {
    const double* row = v.data() + n * E;
    int64_t best = 0;
    for (int64_t e = 1; e < E; ++e)
      if (row[e] > row[best]) best = e;
    out[size_t(n)] = int32_t(best);
  }
  return out;
}

int32_t hash_tile(int64_t token, int64_t layer, int64_t n_tiles) {
  TRIT_CHECK(n_tiles > 0, "hash_tile: n_tiles must be positive");
  uint64_t z = uint64_t(token) * 0x9E3779B97F4A7C15ull + uint64_t(layer + 1) * 0xD1B54A32D192ED03ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return int32_t(z % uint64_t(n_tiles));
}

Tensor token_prior_init(int64_t vocab, int64_t n_tiles, int64_t layer, double prior) {
  TRIT_CHECK(vocab > 0 && n_tiles > 0, "token_prior_init: vocab (", vocab, ") and n_tiles (", n_tiles,
             ") must be positive");
  std::vector<float> b(size_t(vocab * n_tiles), 0.0f);
  for (int64_t v = 0; v < vocab; ++v) b[size_t(v * n_tiles + hash_tile(v, layer, n_tiles))] = float(prior);
  return Tensor::from_vector(b, {vocab, n_tiles});
}

Tensor router_stand_in(const Tensor& probs, const std::vector<int32_t>& tile, const Tensor& tile_out) {
  TRIT_CHECK(probs.dim() == 2 && tile_out.dim() == 2 && probs.size(0) == tile_out.size(0) &&
                 probs.size(0) == int64_t(tile.size()),
             "router_stand_in: probs ", shape_str(probs.shape()), ", tile_out ", shape_str(tile_out.shape()), " and ",
             tile.size(), " routes do not agree");
  const int64_t N = probs.size(0), E = probs.size(1);
  std::vector<double> chosen(size_t(N * E), 0.0), others(size_t(N * E), 1.0), inv_count(size_t(E), 0.0);
  for (int64_t n = 0; n < N; ++n) {
    const int32_t e = tile[size_t(n)];
    TRIT_CHECK(e >= 0 && e < E, "router_stand_in: row ", n, " routed to tile ", e, " of ", E);
    chosen[size_t(n * E + e)] = 1.0;
    others[size_t(n * E + e)] = 0.0;
    inv_count[size_t(e)] += 1.0;
  }
  for (double& c : inv_count) c = c > 0 ? 1.0 / c : 0.0;
  const auto as_probs = [&](const std::vector<double>& v, std::vector<int64_t> shape) {
    return Tensor::from_vector(v, std::move(shape)).to(probs.dtype()).to(probs.device());
  };
  Tensor tile_means;  // [E, C]
  {
    NoGradGuard no_grad;
    tile_means = matmul(contiguous(transpose(as_probs(chosen, {N, E}), 0, 1)), tile_out.detach().to(probs.dtype())) *
                 as_probs(inv_count, {E, 1});
  }
  return matmul((probs - probs.detach()) * as_probs(others, {N, E}), tile_means);
}

Tensor load_balance_loss(const Tensor& probs, const std::vector<int64_t>& counts) {
  TRIT_CHECK(probs.dim() == 2 && probs.size(1) == int64_t(counts.size()), "load_balance_loss: probs ",
             shape_str(probs.shape()), " for ", counts.size(), " tiles");
  const int64_t E = probs.size(1);
  int64_t total = 0;
  for (int64_t c : counts) total += c;
  TRIT_CHECK(total > 0, "load_balance_loss: no tokens");
  std::vector<double> f;
  for (int64_t c : counts) f.push_back(double(E) * double(c) / double(total));
  const Tensor fe = Tensor::from_vector(f, {E}).to(probs.dtype()).to(probs.device());
  return sum(mean(probs, {0}) * fe);
}

}  // namespace trit::nn

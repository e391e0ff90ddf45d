// Grouped execution of the routed FFN, composed from differentiable primitives whose
// backward is itself per tile: index_select (backward: scatter-add, here a permutation),
// narrow (backward: writes into its slice), the tile's projections, cat (backward: slices).
// So the backward of tile e touches only tile e's rows and weights; a tile that received no
// token runs nothing and its weights get no gradient (undefined grad, skipped by optimizers).
#include "trit/ops/grouped_ffn.h"

#include "trit/ops/ops.h"

namespace trit {
namespace {

Tensor project(const Tensor& x, const Tensor& w, bool ternary) { return ternary ? bitlinear(x, w) : linear(x, w); }

Tensor index_tensor(const std::vector<int32_t>& v) {
  return Tensor::from_vector(v, {int64_t(v.size())});
}

void check_inputs(const Tensor& x, const std::vector<TileWeights>& tiles, std::span<const int32_t> tile_of_token,
                  const Tensor& gate_scale) {
  TRIT_CHECK(x.dim() == 2, "grouped FFN: x must be [N, C], got ", shape_str(x.shape()));
  TRIT_CHECK(!tiles.empty(), "grouped FFN: no tiles");
  TRIT_CHECK(int64_t(tile_of_token.size()) == x.size(0), "grouped FFN: ", tile_of_token.size(),
             " routing choices for ", x.size(0), " tokens");
  TRIT_CHECK(!gate_scale.defined() || (gate_scale.dim() == 1 && gate_scale.size(0) == x.size(0)),
             "grouped FFN: gate_scale must be [N] = [", x.size(0), "]");
  for (size_t e = 0; e < tiles.size(); ++e) {
    const TileWeights& t = tiles[e];
    TRIT_CHECK(t.gate.dim() == 2 && t.gate.size(1) == x.size(1) && t.up.shape() == t.gate.shape() &&
                   t.down.dim() == 2 && t.down.size(0) == x.size(1) && t.down.size(1) == t.gate.size(0),
               "grouped FFN: tile ", e, " weights gate ", shape_str(t.gate.shape()), ", up ", shape_str(t.up.shape()),
               ", down ", shape_str(t.down.shape()), " do not fit C = ", x.size(1));
  }
}

}  // namespace

TileGroups group_by_tile(std::span<const int32_t> tile_of_token, int64_t n_tiles) {
  TileGroups g;
  g.offsets.assign(size_t(n_tiles) + 1, 0);
  for (size_t n = 0; n < tile_of_token.size(); ++n) {
    const int32_t e = tile_of_token[n];
    TRIT_CHECK(e >= 0 && e < n_tiles, "grouped FFN: token ", n, " routed to tile ", e, " of ", n_tiles);
    g.offsets[size_t(e) + 1] += 1;
  }
  for (int64_t e = 0; e < n_tiles; ++e) g.offsets[size_t(e) + 1] += g.offsets[size_t(e)];
  std::vector<int64_t> next(g.offsets.begin(), g.offsets.end() - 1);
  g.perm.resize(tile_of_token.size());
  g.inverse.resize(tile_of_token.size());
  for (size_t n = 0; n < tile_of_token.size(); ++n) {  // stable: token order kept within a tile
    const int64_t i = next[size_t(tile_of_token[n])]++;
    g.perm[size_t(i)] = int32_t(n);
    g.inverse[n] = int32_t(i);
  }
  return g;
}

Tensor tile_glu_ffn(const Tensor& x, const TileWeights& w, const GroupedFfnOptions& o) {
  const Tensor g = project(x, w.gate, o.ternary);
  Tensor h = (o.relu2 ? relu2(g) : silu(g)) * project(x, w.up, o.ternary);
  if (w.sub_norm.defined()) h = rms_norm(h, w.sub_norm, o.norm_eps);
  return project(h, w.down, o.ternary);
}

Tensor grouped_glu_ffn(const Tensor& x, const std::vector<TileWeights>& tiles, std::span<const int32_t> tile_of_token,
                       const Tensor& gate_scale, const GroupedFfnOptions& o) {
  check_inputs(x, tiles, tile_of_token, gate_scale);
  const int64_t E = int64_t(tiles.size());
  if (x.size(0) == 0) return Tensor::zeros({0, x.size(1)}, x.dtype());
  const TileGroups groups = group_by_tile(tile_of_token, E);
  const Tensor perm = index_tensor(groups.perm);
  const Tensor xs = index_select(x, 0, perm);  // rows sorted by tile
  const Tensor scale = gate_scale.defined() ? index_select(gate_scale, 0, perm).reshape({x.size(0), 1}) : Tensor();
  std::vector<Tensor> outs;
  for (int64_t e = 0; e < E; ++e) {
    const int64_t n = groups.count(e);
    if (n == 0) continue;
    const int64_t start = groups.offsets[size_t(e)];
    Tensor y = tile_glu_ffn(narrow(xs, 0, start, n), tiles[size_t(e)], o);
    if (scale.defined()) y = y * narrow(scale, 0, start, n);
    outs.push_back(std::move(y));
  }
  const Tensor ys = outs.size() == 1 ? outs[0] : cat(outs, 0);
  return index_select(ys, 0, index_tensor(groups.inverse));  // back to token order
}

Tensor masked_glu_ffn_reference(const Tensor& x, const std::vector<TileWeights>& tiles,
                                std::span<const int32_t> tile_of_token, const Tensor& gate_scale,
                                const GroupedFfnOptions& o) {
  check_inputs(x, tiles, tile_of_token, gate_scale);
  const int64_t N = x.size(0);
  Tensor out;
  for (size_t e = 0; e < tiles.size(); ++e) {
    std::vector<double> m(size_t(N), 0.0);
    for (int64_t n = 0; n < N; ++n) m[size_t(n)] = tile_of_token[size_t(n)] == int32_t(e) ? 1.0 : 0.0;
    const Tensor mask = Tensor::from_vector(m, {N, 1}).to(x.dtype());
    const Tensor y = tile_glu_ffn(x, tiles[e], o) * mask;
    out = out.defined() ? out + y : y;
  }
  return gate_scale.defined() ? out * gate_scale.reshape({N, 1}) : out;
}

}  // namespace trit

// Grouped execution of the routed FFN: tokens sorted by tile, each tile's GEMMs on its own
// rows, forward and backward. A tile that received no token runs nothing and its weights get
// no gradient (undefined grad, skipped by optimizers).
#include "trit/ops/grouped_ffn.h"

#include <algorithm>

#include "trit/autograd/node.h"
#include "trit/autograd/parallel_tasks.h"
#include "trit/ops/ops.h"

namespace trit {
namespace {

Tensor project(const Tensor& x, const Tensor& w, bool ternary) { return ternary ? bitlinear(x, w) : linear(x, w); }

// Index lists are made on the host (routing is decided there) and used where x lives.
Tensor index_tensor(const std::vector<int32_t>& v, Device device) {
  return Tensor::from_vector(v, {int64_t(v.size())}).to(device);
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
    TRIT_CHECK(!t.sub_norm.defined() || (t.sub_norm.dim() == 1 && t.sub_norm.size(0) == t.gate.size(0)),
               "grouped FFN: tile ", e, " sub_norm ", t.sub_norm.defined() ? shape_str(t.sub_norm.shape()) : "",
               " must be [F] = [", t.gate.size(0), "]");
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

namespace {

// What the backward of one tile keeps: the quantized operands of its three products and the
// activations between them ([n, C] / [n, F] for the tile's n rows).
struct TileSaved {
  int64_t start = 0, n = 0;
  Tensor xq, g, u, a, hq, y;  // y only with a gate scale
  Tensor wg, wu, wd;          // quantized weights (STE: the backward multiplies by these)
};

Tensor maybe_act_quant(const Tensor& x, bool ternary) { return ternary ? act_quant_int8(x) : x; }
Tensor maybe_weight_quant(const Tensor& w, bool ternary) {
  return ternary ? weight_quant_ternary(w.detach()) : contiguous(w.detach());
}

// The tiles that received rows, most rows first: the order the threads take them in, so the
// largest tile does not start last.
std::vector<int64_t> routed_tiles_largest_first(const TileGroups& groups, int64_t n_tiles) {
  std::vector<int64_t> tiles;
  for (int64_t e = 0; e < n_tiles; ++e)
    if (groups.count(e) > 0) tiles.push_back(e);
  std::stable_sort(tiles.begin(), tiles.end(), [&](int64_t a, int64_t b) { return groups.count(a) > groups.count(b); });
  return tiles;
}

// work(e) for every routed tile. On the CPU the tiles are independent tasks on the OpenMP
// threads (each tile's products on one thread: a tile has a few dozen rows, too few to split);
// on a GPU they run in order on the calling thread, since their kernels queue on one stream.
// A task writes only its own tile's slots; shared buffers are filled after, on this thread.
template <typename Work>
void for_each_routed_tile(const std::vector<int64_t>& tiles, Device device, Work&& work) {
  if (device.is_cuda()) {
    for (const int64_t e : tiles) work(e);
    return;
  }
  parallel_tasks(int64_t(tiles.size()), [&](int64_t i) { work(tiles[size_t(i)]); });
}

}  // namespace

// Fused: one autograd node for the whole layer. The forward runs each tile's products on its
// rows only; the backward (STE through both quantizers, as quant.h states) does the same, and
// writes each tile's input gradient into its own rows of one [N, C] buffer, so no step costs
// O(E * N * C). Equal to the composition (tile_glu_ffn per tile; tests check it against
// masked_glu_ffn_reference in forward and backward, and by finite differences).
Tensor grouped_glu_ffn(const Tensor& x, const std::vector<TileWeights>& tiles, std::span<const int32_t> tile_of_token,
                       const Tensor& gate_scale, const GroupedFfnOptions& o) {
  check_inputs(x, tiles, tile_of_token, gate_scale);
  const int64_t N = x.size(0), C = x.size(1), E = int64_t(tiles.size());
  if (N == 0) return Tensor::zeros({0, C}, x.dtype(), x.device());
  const TileGroups groups = group_by_tile(tile_of_token, E);
  const Tensor perm = index_tensor(groups.perm, x.device()), inverse = index_tensor(groups.inverse, x.device());
  std::vector<Tensor> inputs{x, gate_scale};
  for (const TileWeights& t : tiles) inputs.insert(inputs.end(), {t.gate, t.up, t.down, t.sub_norm});
  const bool grad = needs_grad(inputs);

  auto saved = std::make_shared<std::vector<TileSaved>>(size_t(E));
  for (int64_t e = 0; e < E; ++e) {
    (*saved)[size_t(e)].start = groups.offsets[size_t(e)];
    (*saved)[size_t(e)].n = groups.count(e);
  }
  const auto routed = std::make_shared<std::vector<int64_t>>(routed_tiles_largest_first(groups, E));
  Tensor out_sorted, gate_sorted;
  {
    NoGradGuard no_grad;
    const Tensor xs = index_select(x.detach(), 0, perm);
    gate_sorted = gate_scale.defined() ? index_select(gate_scale.detach(), 0, perm).reshape({N, 1}) : Tensor();
    std::vector<Tensor> tile_out(static_cast<size_t>(E));
    for_each_routed_tile(*routed, x.device(), [&](int64_t e) {
      TileSaved& s = (*saved)[size_t(e)];
      const TileWeights& w = tiles[size_t(e)];
      s.wg = maybe_weight_quant(w.gate, o.ternary);
      s.wu = maybe_weight_quant(w.up, o.ternary);
      s.wd = maybe_weight_quant(w.down, o.ternary);
      s.xq = maybe_act_quant(narrow(xs, 0, s.start, s.n), o.ternary);
      s.g = linear(s.xq, s.wg);
      s.u = linear(s.xq, s.wu);
      s.a = (o.relu2 ? relu2(s.g) : silu(s.g)) * s.u;
      const Tensor h = w.sub_norm.defined() ? rms_norm(s.a, w.sub_norm.detach(), o.norm_eps) : s.a;
      s.hq = maybe_act_quant(h, o.ternary);
      Tensor y = linear(s.hq, s.wd);
      if (gate_sorted.defined()) {
        s.y = y;
        y = y * narrow(gate_sorted, 0, s.start, s.n);
      }
      tile_out[size_t(e)] = y;
      if (!grad) s = TileSaved{};  // inference keeps nothing
    });
    out_sorted = Tensor::empty({N, C}, x.dtype(), x.device());
    for (const int64_t e : *routed) {
      Tensor dst = narrow(out_sorted, 0, groups.offsets[size_t(e)], groups.count(e));
      copy_(dst, tile_out[size_t(e)]);
    }
  }
  Tensor out;
  {
    NoGradGuard no_grad;
    out = index_select(out_sorted, 0, inverse);
  }
  if (!grad) return out;

  std::vector<Tensor> sub_norms;
  for (const TileWeights& t : tiles) sub_norms.push_back(t.sub_norm.defined() ? t.sub_norm.detach() : Tensor());
  record("grouped_glu_ffn", out, inputs,
         [saved, routed, perm, inverse, gate_sorted, sub_norms, N, C, relu2_act = o.relu2, eps = o.norm_eps,
          has_gate = gate_scale.defined()](const Tensor& dout) {
           const Tensor dos = index_select(contiguous(dout), 0, perm);
           std::vector<Tensor> grads(2 + 4 * saved->size()), tile_dx(saved->size()), tile_dgate(saved->size());
           for_each_routed_tile(*routed, dout.device(), [&](int64_t tile) {
             const size_t e = size_t(tile);
             const TileSaved& s = (*saved)[e];
             Tensor dy = narrow(dos, 0, s.start, s.n);
             if (has_gate) {
               tile_dgate[e] = sum(dy * s.y, {1}, true);
               dy = dy * narrow(gate_sorted, 0, s.start, s.n);
             }
             grads[2 + 4 * e + 2] = matmul(dy.transpose(0, 1), s.hq);  // dWd [C, F]
             const Tensor dh = matmul(dy, s.wd);                           // [n, F], STE
             Tensor da = dh;
             if (sub_norms[e].defined()) {
               // h = a * r * w, r = (mean(a^2) + eps)^-1/2 per row.
               const Tensor r = rsqrt(mean(s.a * s.a, {1}, true) + eps);
               const Tensor gw = dh * sub_norms[e];
               grads[2 + 4 * e + 3] = sum(dh * s.a * r, {0});
               da = gw * r - s.a * (r * r * r) * mean(gw * s.a, {1}, true);
             }
             Tensor act, dact;
             if (relu2_act) {
               const Tensor rg = relu(s.g);
               act = rg * rg;
               dact = rg * 2.0;
             } else {
               const Tensor sg = sigmoid(s.g);
               act = s.g * sg;
               dact = sg * (1.0 + s.g * (1.0 - sg));
             }
             const Tensor dgate = da * s.u * dact, dup = da * act;
             grads[2 + 4 * e + 0] = matmul(dgate.transpose(0, 1), s.xq);  // dWg [F, C]
             grads[2 + 4 * e + 1] = matmul(dup.transpose(0, 1), s.xq);    // dWu [F, C]
             tile_dx[e] = matmul(dgate, s.wg) + matmul(dup, s.wu);         // STE through act quant
           });
           Tensor dxs = Tensor::empty({N, C}, dout.dtype(), dout.device());
           Tensor dgs = has_gate ? Tensor::empty({N, 1}, dout.dtype(), dout.device()) : Tensor();
           for (const int64_t tile : *routed) {
             const TileSaved& s = (*saved)[size_t(tile)];
             Tensor dx_rows = narrow(dxs, 0, s.start, s.n);
             copy_(dx_rows, tile_dx[size_t(tile)]);
             if (has_gate) {
               Tensor dg_rows = narrow(dgs, 0, s.start, s.n);
               copy_(dg_rows, tile_dgate[size_t(tile)]);
             }
           }
           grads[0] = index_select(dxs, 0, inverse);
           if (has_gate) grads[1] = index_select(dgs, 0, inverse).reshape({N});
           return grads;
         });
  return out;
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
    const Tensor mask = Tensor::from_vector(m, {N, 1}).to(x.dtype()).to(x.device());
    const Tensor y = tile_glu_ffn(x, tiles[e], o) * mask;
    out = out.defined() ? out + y : y;
  }
  return gate_scale.defined() ? out * gate_scale.reshape({N, 1}) : out;
}

}  // namespace trit

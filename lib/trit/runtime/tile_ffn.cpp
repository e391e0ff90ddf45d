#include "trit/runtime/tile_ffn.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "trit/core/error.h"
#include "trit/formats/quant_type.h"
#include "trit/runtime/decoder_ops.h"

namespace trit::runtime {
namespace {

size_t round_up_256(size_t n) { return (n + 255) / 256 * 256; }

constexpr size_t kMinRowsToSplit = 4;  // a lone group of fewer rows runs on the calling thread

// The E tiles of a stacked tensor as E ternary weights [rows, cols], with the tiles' exact
// multipliers from `<name>.scale` (f32 [E]) when the file has them. The file holds each tile as
// [rows, cols] (ne [cols, rows, E]) or, `transposed`, as [cols, rows] (ne [rows, cols, E]: a
// narrow tile's down weight under TQ types, whose rows must be 256 values).
std::vector<LinearWeights> load_stacked(const formats::GgufReader& reader, const std::string& name, size_t rows,
                                        size_t cols, size_t n_tiles, bool transposed = false) {
  const std::string file = reader.path().string();
  const formats::GgufTensorInfo& info = reader.tensor(name);
  const size_t file_rows = transposed ? cols : rows, file_cols = transposed ? rows : cols;
  const std::vector<int64_t> ne{int64_t(file_cols), int64_t(file_rows), int64_t(n_tiles)};
  TRIT_CHECK(info.shape == ne, file, ": tensor ", name, " must have shape [", file_cols, ", ", file_rows, ", ",
             n_tiles, "] (ne order)");
  const QuantType type = quant_type_from_ggml(int32_t(info.type));
  const auto bytes = reader.tensor_data(info);
  const size_t slab = file_rows * row_size(type, int64_t(file_cols));
  TRIT_CHECK(bytes.size() == slab * n_tiles, file, ": tensor ", name, " holds ", bytes.size(), " bytes, expected ",
             slab * n_tiles);
  std::vector<float> scales;
  const std::string scale_name = name.substr(0, name.size() - std::string(".weight").size()) + ".scale";
  if (reader.find_tensor(scale_name)) {
    scales = read_float_tensor(reader, scale_name, {int64_t(n_tiles)});
    for (size_t e = 0; e < n_tiles; ++e) {
      TRIT_CHECK(std::isfinite(scales[e]) && scales[e] > 0, file, ": tensor ", scale_name, " holds ", scales[e],
                 " for tile ", e, "; expected a finite positive weight scale");
    }
  }
  std::vector<LinearWeights> out;
  for (size_t e = 0; e < n_tiles; ++e) {
    const std::string where = file + ": tensor " + name + ", tile " + std::to_string(e);
    const std::optional<float> multiplier = scales.empty() ? std::nullopt : std::optional<float>(scales[e]);
    const uint8_t* data = reinterpret_cast<const uint8_t*>(bytes.data()) + e * slab;
    if (!transposed) {
      out.push_back(LinearWeights::from_data(type, data, slab, int64_t(rows), int64_t(cols), true, multiplier, where));
    } else {
      // Values back to [rows, cols] (the kernels' layout), then packed like any float tile.
      std::vector<float> stored(rows * cols), w(rows * cols);
      dequantize_rows(type, data, int64_t(file_rows), int64_t(file_cols), stored.data(), 1);
      for (size_t r = 0; r < file_rows; ++r)
        for (size_t c = 0; c < file_cols; ++c) w[c * cols + r] = stored[r * file_cols + c] * multiplier.value_or(1.0f);
      out.push_back(LinearWeights::from_data(QuantType::F32, reinterpret_cast<const uint8_t*>(w.data()),
                                             w.size() * sizeof(float), int64_t(rows), int64_t(cols), true,
                                             std::nullopt, where));
    }
    TRIT_CHECK(out.back().ternary(), where,
               ": the values are not ternary with one scale per tile (-s, 0, +s), as a trix file's tiles must be");
  }
  return out;
}

}  // namespace

TileFfnScratch::TileFfnScratch(size_t max_batch, const TileFfnShape& shape)
    : max_batch_(max_batch),
      x_stride_(round_up_256(shape.d_model)),
      h_stride_(round_up_256(shape.d_tile)),
      tile_(max_batch),
      perm_(max_batch),
      offsets_(shape.n_tiles + 1),
      gate_(max_batch),
      scores_(max_batch * shape.n_tiles),
      g_(max_batch * shape.d_tile),
      u_(max_batch * shape.d_tile),
      out_(max_batch * shape.d_model),
      xq_(max_batch * round_up_256(shape.d_model)),
      hq_(max_batch * round_up_256(shape.d_tile)),
      xq_scale_(max_batch),
      hq_scale_(max_batch),
      xq_sum_(max_batch),
      hq_sum_(max_batch) {}

size_t TileFfnScratch::bytes() const {
  return (tile_.size() + perm_.size() + xq_sum_.size() + hq_sum_.size()) * 4 + offsets_.size() * sizeof(size_t) +
         (gate_.size() + scores_.size() + g_.size() + u_.size() + out_.size() + xq_scale_.size() + hq_scale_.size()) *
             4 +
         xq_.size() + hq_.size();
}

TileFfnLayer::TileFfnLayer(const TileFfnShape& shape, std::vector<Tile> tiles, std::vector<float> sub_norm,
                           TileRouter router)
    : shape_(shape), tiles_(std::move(tiles)), sub_norm_(std::move(sub_norm)), router_(std::move(router)) {
  const size_t C = shape.d_model, F = shape.d_tile, E = shape.n_tiles;
  TRIT_CHECK(C > 0 && F > 0 && E > 0 && tiles_.size() == E, "TileFfnLayer: ", tiles_.size(), " tiles for n_tiles ", E);
  TRIT_CHECK(sub_norm_.size() == E * F, "TileFfnLayer: sub_norm has ", sub_norm_.size(), " values, expected ", E * F);
  TRIT_CHECK(router_.n_tiles == E && router_.d_model == C &&
                 (router_.weights.empty() || router_.weights.size() == E * C),
             "TileFfnLayer: router for ", router_.n_tiles, " tiles of width ", router_.d_model, " does not fit");
  for (size_t e = 0; e < E; ++e) {
    const Tile& t = tiles_[e];
    TRIT_CHECK(t.gate.ternary() && t.up.ternary() && t.down.ternary(), "TileFfnLayer: tile ", e, " is not ternary");
    TRIT_CHECK(t.gate.rows() == F && t.gate.cols() == C && t.up.rows() == F && t.up.cols() == C &&
                   t.down.rows() == C && t.down.cols() == F,
               "TileFfnLayer: tile ", e, " weights do not fit d_model ", C, " and d_tile ", F);
  }
}

TileFfnLayer TileFfnLayer::load(const formats::GgufReader& reader, int64_t layer, const TileFfnShape& shape,
                                nn::RouterKind router) {
  const std::string p = "blk." + std::to_string(layer) + ".";
  const size_t C = shape.d_model, F = shape.d_tile, E = shape.n_tiles;
  auto gate = load_stacked(reader, p + "ffn_gate_exps.weight", F, C, E);
  auto up = load_stacked(reader, p + "ffn_up_exps.weight", F, C, E);
  // The down weights as [F, C, E], or transposed (ffn_down_exps_t) where TQ rows could not hold F.
  const bool down_t = reader.find_tensor(p + "ffn_down_exps_t.weight") != nullptr;
  TRIT_CHECK(!down_t || !reader.find_tensor(p + "ffn_down_exps.weight"), reader.path().string(), ": layer ", layer,
             " has both ffn_down_exps.weight and ffn_down_exps_t.weight; a trix file holds one of them");
  auto down = load_stacked(reader, p + (down_t ? "ffn_down_exps_t.weight" : "ffn_down_exps.weight"), C, F, E, down_t);
  std::vector<Tile> tiles;
  std::vector<TernaryWeightsView> up_views;
  for (size_t e = 0; e < E; ++e) {
    up_views.push_back(up[e].ternary_view());
    tiles.push_back({std::move(gate[e]), std::move(up[e]), std::move(down[e])});
  }
  TileRouter r = load_tile_router(reader, router, layer, E, C, up_views);
  auto sub_norm = read_float_tensor(reader, p + "ffn_sub_norm_exps.weight", {int64_t(F), int64_t(E)});
  return TileFfnLayer(shape, std::move(tiles), std::move(sub_norm), std::move(r));
}

size_t TileFfnLayer::size_bytes() const {
  size_t n = (sub_norm_.size() + router_.weights.size() + router_.weights_t.size()) * sizeof(float);
  for (const Tile& t : tiles_) n += t.gate.size_bytes() + t.up.size_bytes() + t.down.size_bytes();
  return n;
}

void TileFfnLayer::run_tile(size_t e, size_t begin, size_t end, TileFfnScratch& s, ThreadPool* pool) const {
  const size_t C = shape_.d_model, F = shape_.d_tile, n = end - begin;
  const Tile& t = tiles_[e];
  const Int8ActivationsView x{s.xq_.data() + begin * s.x_stride_, n, C, s.x_stride_, s.xq_scale_.data() + begin,
                              s.xq_sum_.data() + begin};
  float* g = s.g_.data() + begin * F;
  float* u = s.u_.data() + begin * F;
  t.gate.forward(x, g, F, pool);
  t.up.forward(x, u, F, pool);
  if (shape_.relu2) {
    relu2_glu(g, u, n, F, F, pool);
  } else {
    swiglu(g, u, n, F, F, pool);
  }
  rms_norm(g, sub_norm_.data() + e * F, n, F, F, shape_.norm_eps, g, pool);
  int8_t* hq = s.hq_.data() + begin * s.h_stride_;
  quantize_activations(g, n, F, F, hq, s.h_stride_, s.hq_scale_.data() + begin, s.hq_sum_.data() + begin);
  const Int8ActivationsView h{hq, n, F, s.h_stride_, s.hq_scale_.data() + begin, s.hq_sum_.data() + begin};
  t.down.forward(h, s.out_.data() + begin * C, C, pool);
}

void TileFfnLayer::forward(const float* u, size_t u_stride, const int32_t* tokens, size_t n, float* x,
                           size_t x_stride, TileFfnScratch& s, ThreadPool* pool) const {
  TRIT_CHECK(n <= s.max_batch_, "TileFfnLayer: ", n, " rows exceed the scratch's ", s.max_batch_);
  const size_t C = shape_.d_model, E = shape_.n_tiles;
  if (n == 0) return;
  route_tokens(router_, u, n, u_stride, tokens, s.tile_.data(), s.gate_.data(), s.scores_.data(), pool);

  // Stable counting sort of the rows by tile: tile e's rows are perm[offsets[e] .. offsets[e + 1]).
  std::fill(s.offsets_.begin(), s.offsets_.end(), 0);
  for (size_t t = 0; t < n; ++t) {
    TRIT_CHECK(s.tile_[t] >= 0 && size_t(s.tile_[t]) < E, "TileFfnLayer: row ", t, " routed to tile ", s.tile_[t]);
    s.offsets_[size_t(s.tile_[t]) + 1] += 1;
  }
  size_t n_groups = 0;
  for (size_t e = 0; e < E; ++e) {
    n_groups += s.offsets_[e + 1] > 0 ? 1 : 0;
    s.offsets_[e + 1] += s.offsets_[e];
  }
  {
    // perm via a running cursor per tile (offsets_ restored afterwards from the counts).
    for (size_t t = 0; t < n; ++t) s.perm_[s.offsets_[size_t(s.tile_[t])]++] = int32_t(t);
    for (size_t e = E; e > 0; --e) s.offsets_[e] = s.offsets_[e - 1];
    s.offsets_[0] = 0;
  }

  // Inputs quantized per token straight into group order.
  auto quantize = [&](size_t b, size_t e, size_t) {
    for (size_t i = b; i < e; ++i) {
      quantize_activations(u + size_t(s.perm_[i]) * u_stride, 1, C, C, s.xq_.data() + i * s.x_stride_, s.x_stride_,
                           s.xq_scale_.data() + i, s.xq_sum_.data() + i);
    }
  };
  if (pool != nullptr && n > 1) {
    pool->parallel_for(0, n, quantize);
  } else {
    quantize(0, n, 0);
  }

  if (pool != nullptr && pool->size() > 1 && n_groups > 1) {
    // Groups over the pool, each on one thread; group g is the g-th tile with rows.
    pool->parallel_for(0, E, [&](size_t b, size_t e, size_t) {
      for (size_t tile = b; tile < e; ++tile) {
        if (s.offsets_[tile + 1] > s.offsets_[tile]) run_tile(tile, s.offsets_[tile], s.offsets_[tile + 1], s, nullptr);
      }
    });
  } else {
    // One group: its rows over the pool, unless they are so few (generation) that one tile's
    // products (a few microseconds) cost less than waking the other threads.
    ThreadPool* inner = n >= kMinRowsToSplit ? pool : nullptr;
    for (size_t e = 0; e < E; ++e) {
      if (s.offsets_[e + 1] > s.offsets_[e]) run_tile(e, s.offsets_[e], s.offsets_[e + 1], s, inner);
    }
  }

  // Back to token order: x[t] += gate[t] * out (out * gate rounded first, as the training side).
  for (size_t i = 0; i < n; ++i) {
    const size_t t = size_t(s.perm_[i]);
    const float g = s.gate_[t];
    const float* o = s.out_.data() + i * C;
    float* xr = x + t * x_stride;
    for (size_t j = 0; j < C; ++j) xr[j] += o[j] * g;
  }
}

std::vector<float> TileFfnLayer::tile_output(size_t e, const float* u, size_t n, size_t u_stride) const {
  TRIT_CHECK(e < tiles_.size(), "TileFfnLayer: tile ", e, " of ", tiles_.size());
  TileFfnScratch s(n, shape_);
  quantize_activations(u, n, shape_.d_model, u_stride, s.xq_.data(), s.x_stride_, s.xq_scale_.data(),
                       s.xq_sum_.data());
  run_tile(e, 0, n, s, nullptr);
  return std::vector<float>(s.out_.begin(), s.out_.begin() + ptrdiff_t(n * shape_.d_model));
}

}  // namespace trit::runtime

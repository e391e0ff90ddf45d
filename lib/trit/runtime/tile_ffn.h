#pragma once
// One layer's TriX sparse FFN at inference (architecture `trix`, docs/formats.md "TriX GGUF";
// training side: trit/nn/tile_ffn.h, trit/ops/grouped_ffn.h). E tiles, each a BitLinear gated
// FFN of width F on packed ternary weights (linear_weights.h), one tile per token:
//   x[t] += gate[t] * down_e(subnorm_e(act(gate_e q(u[t])) * up_e q(u[t])))   e = tile[t]
// with q the per-token int8 quantization, act silu or relu^2, and (tile, gate) from the
// router (tile_routing.h). Only the chosen tiles run: the batch's rows are grouped by tile
// (a stable counting sort, quantized straight into that order) and each tile with rows runs
// one packed GEMM per projection on its rows (a GEMV for one token). With several groups and
// threads, groups are spread over the pool; a lone group of 4 rows or more spreads its rows
// over the pool, a smaller one (generation) runs on the calling thread.
// forward() allocates nothing: its buffers (TileFfnScratch) are made once for a max batch.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "trit/formats/gguf_reader.h"
#include "trit/runtime/activation_quant.h"
#include "trit/runtime/aligned_buffer.h"
#include "trit/runtime/linear_weights.h"
#include "trit/runtime/tile_routing.h"
#include "trit/runtime/thread_pool.h"

namespace trit::runtime {

struct TileFfnShape {
  size_t d_model = 0, d_tile = 0, n_tiles = 0;
  bool relu2 = false;  // act = relu^2 (relu2_glu) instead of silu (swiglu)
  float norm_eps = 1e-5f;
};

// Buffers of one forward of up to max_batch rows (shared by the layers of a model).
class TileFfnScratch {
 public:
  TileFfnScratch() = default;
  TileFfnScratch(size_t max_batch, const TileFfnShape& shape);
  size_t max_batch() const { return max_batch_; }
  size_t bytes() const;

 private:
  friend class TileFfnLayer;
  size_t max_batch_ = 0, x_stride_ = 0, h_stride_ = 0;
  std::vector<int32_t> tile_, perm_;
  std::vector<size_t> offsets_;  // n_tiles + 1
  std::vector<float> gate_, scores_, g_, u_, out_;
  AlignedBuffer<int8_t> xq_, hq_;  // inputs in group order; sub-normed hidden rows
  std::vector<float> xq_scale_, hq_scale_;
  std::vector<int32_t> xq_sum_, hq_sum_;
};

class TileFfnLayer {
 public:
  struct Tile {
    LinearWeights gate, up, down;  // ternary [F, C], [F, C], [C, F]
  };

  TileFfnLayer() = default;
  // sub_norm: E * F floats (tile e's sub-norm weight at e * F).
  TileFfnLayer(const TileFfnShape& shape, std::vector<Tile> tiles, std::vector<float> sub_norm, TileRouter router);
  // Layer `layer` of a trix file (blk.N.ffn_{gate,up,down}_exps, ffn_sub_norm_exps, router).
  static TileFfnLayer load(const formats::GgufReader& reader, int64_t layer, const TileFfnShape& shape,
                           nn::RouterKind router);

  const TileFfnShape& shape() const { return shape_; }
  const TileRouter& router() const { return router_; }
  size_t size_bytes() const;

  // For n rows of u (the ffn_norm output, row stride u_stride; tokens: their ids), adds each
  // row's routed tile output, times its gate, to x (row stride x_stride). n <= s.max_batch().
  void forward(const float* u, size_t u_stride, const int32_t* tokens, size_t n, float* x, size_t x_stride,
               TileFfnScratch& s, ThreadPool* pool) const;

  // Tile e alone on every one of n rows of u: out [n, C] (no router, no gate; for tests).
  std::vector<float> tile_output(size_t e, const float* u, size_t n, size_t u_stride) const;

 private:
  // Tile e on rows [begin, end) of the grouped buffers of s (inputs quantized in s.xq_).
  void run_tile(size_t e, size_t begin, size_t end, TileFfnScratch& s, ThreadPool* pool) const;

  TileFfnShape shape_;
  std::vector<Tile> tiles_;
  std::vector<float> sub_norm_;
  TileRouter router_;
};

}  // namespace trit::runtime

// TriX FFN speed on the CPU runtime (inference on packed ternary weights): the runtime's TriX
// FFN (trit/runtime/tile_ffn.h: route, group rows by tile, one packed GEMM/GEMV per chosen tile
// and projection) against the runtime's dense BitNet FFN holding the same total number of
// parameters (d_ff = n_tiles * d_tile: quantize, gate and up on the ternary kernels, SwiGLU,
// sub-norm, quantize, down, as RuntimeModel::forward runs a bitnet layer), side by side in one
// run, per token:
//   generation  one token per call (GEMV), `--gen-calls` calls on different tokens per sample;
//   prompt      one call on a batch of `--tokens` rows (GEMM; TriX: one GEMM per tile with rows).
// Both FFNs start from the ffn_norm output and add into the residual stream. Weights are random
// ternary values in the kernels' packed layout (the layout TQ2_0 / TQ1_0 files are repacked to
// at load). Repetitions are interleaved (trix, dense, trix, ...); medians of wall time and of
// the calling thread's CPU time (robust on a shared machine when the pool has one thread).
//
//   bench_trix_runtime [--tokens N] [--d-model C] [--d-tile F] [--tiles E] [--router R]
//                      [--reps K] [--gen-calls G] [--threads T] [--only trix|dense] (profiling)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "bench_timing.h"
#include "trit/core/rng.h"
#include "trit/runtime/cpu_features.h"
#include "trit/runtime/decoder_ops.h"
#include "trit/runtime/tile_ffn.h"

namespace {

using namespace trit;
using namespace trit::runtime;

using trit::bench::Sample;
using trit::bench::median;
using trit::bench::timed;

// n uniform 32-bit words from gen (four per counter).
std::vector<uint32_t> random_words(size_t n, Generator& gen) {
  const uint64_t c = gen.advance((n + 3) / 4);
  std::vector<uint32_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = gen.words(c + i / 4)[i % 4];
  return out;
}

// A random ternary weight (about a third each of -1, 0, +1) in the kernels' layout.
LinearWeights random_ternary(size_t rows, size_t cols, Generator& gen) {
  std::vector<int8_t> w(rows * cols);
  const auto words = random_words(w.size(), gen);
  for (size_t i = 0; i < w.size(); ++i) w[i] = int8_t(int(words[i] % 3) - 1);
  return LinearWeights::from_packed(repack_from_ternary(w.data(), rows, cols, 40.0f));
}

std::vector<float> random_floats(size_t n, Generator& gen, float lo, float hi) {
  std::vector<float> v(n);
  const auto words = random_words(n, gen);
  for (size_t i = 0; i < n; ++i) v[i] = lo + (hi - lo) * float(double(words[i]) * 0x1p-32);
  return v;
}

// The runtime's dense BitNet FFN of one layer (RuntimeModel::forward's bitnet path).
struct DenseFfn {
  size_t C = 0, FF = 0;
  LinearWeights gate, up, down;
  std::vector<float> sub_norm;
  // Buffers for max_batch rows.
  size_t stride = 0;
  AlignedBuffer<int8_t> qa;
  std::vector<float> qa_scale, g, u, y;
  std::vector<int32_t> qa_sum;

  DenseFfn(size_t c, size_t ff, size_t max_batch, Generator& gen)
      : C(c), FF(ff), gate(random_ternary(ff, c, gen)), up(random_ternary(ff, c, gen)),
        down(random_ternary(c, ff, gen)), sub_norm(random_floats(ff, gen, 0.5f, 1.5f)),
        stride((std::max(c, ff) + 255) / 256 * 256), qa(max_batch * stride), qa_scale(max_batch),
        g(max_batch * ff), u(max_batch * ff), y(max_batch * c), qa_sum(max_batch) {}

  void quantize(const float* x, size_t n, size_t cols, ThreadPool* pool) {
    pool->parallel_for(0, n, [&](size_t b, size_t e, size_t) {
      quantize_activations(x + b * cols, e - b, cols, cols, qa.data() + b * stride, stride, qa_scale.data() + b,
                           qa_sum.data() + b);
    });
  }

  void forward(const float* xn, size_t n, float* x, ThreadPool* pool) {
    quantize(xn, n, C, pool);
    const Int8ActivationsView xq{qa.data(), n, C, stride, qa_scale.data(), qa_sum.data()};
    gate.forward(xq, g.data(), FF, pool);
    up.forward(xq, u.data(), FF, pool);
    swiglu(g.data(), u.data(), n, FF, FF, pool);
    rms_norm(g.data(), sub_norm.data(), n, FF, FF, 1e-5f, g.data(), pool);
    quantize(g.data(), n, FF, pool);
    const Int8ActivationsView hq{qa.data(), n, FF, stride, qa_scale.data(), qa_sum.data()};
    down.forward(hq, y.data(), C, pool);
    for (size_t i = 0; i < n * C; ++i) x[i] += y[i];
  }
};

}  // namespace

int main(int argc, char** argv) {
  size_t N = 512, C = 256, F = 64, E = 64, reps = 15, gen_calls = 256, threads = 1;
  std::string router = "signature", only;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--tokens") N = size_t(std::atoll(v));
    else if (k == "--d-model") C = size_t(std::atoll(v));
    else if (k == "--d-tile") F = size_t(std::atoll(v));
    else if (k == "--tiles") E = size_t(std::atoll(v));
    else if (k == "--router") router = v;
    else if (k == "--reps") reps = size_t(std::atoll(v));
    else if (k == "--gen-calls") gen_calls = size_t(std::atoll(v));
    else if (k == "--threads") threads = size_t(std::atoll(v));
    else if (k == "--only") only = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  try {
    Generator gen(1);
    // The TriX layer: E random ternary tiles, the router's weights as a file would give them.
    const TileFfnShape shape{C, F, E, false, 1e-5f};
    std::vector<TileFfnLayer::Tile> tiles;
    std::vector<TernaryWeightsView> ups;
    for (size_t e = 0; e < E; ++e) {
      tiles.push_back({random_ternary(F, C, gen), random_ternary(F, C, gen), random_ternary(C, F, gen)});
    }
    for (const auto& t : tiles) ups.push_back(t.up.ternary_view());
    const nn::RouterKind kind = nn::parse_router_kind(router);
    std::vector<float> router_weights;
    if (kind == nn::RouterKind::signature) router_weights = tile_signatures(ups);
    if (kind == nn::RouterKind::learned || kind == nn::RouterKind::learned_st)
      router_weights = random_floats(E * C, gen, -0.1f, 0.1f);
    const TileFfnLayer trix(shape, std::move(tiles), random_floats(E * F, gen, 0.5f, 1.5f),
                            make_tile_router(kind, E, C, 0, std::move(router_weights)));
    DenseFfn dense(C, E * F, N, gen);

    const size_t rows = std::max(N, gen_calls);
    const auto xn = random_floats(rows * C, gen, -2.0f, 2.0f);  // ffn_norm outputs
    std::vector<int32_t> ids(rows);
    for (size_t i = 0; i < rows; ++i) ids[i] = int32_t((i * 131) % 2048);
    std::vector<float> x(rows * C, 0.0f);
    ThreadPool pool(threads);
    TileFfnScratch scratch(N, shape);

    auto trix_prompt = [&] { trix.forward(xn.data(), C, ids.data(), N, x.data(), C, scratch, &pool); };
    auto dense_prompt = [&] { dense.forward(xn.data(), N, x.data(), &pool); };
    auto trix_gen = [&] {
      for (size_t t = 0; t < gen_calls; ++t)
        trix.forward(xn.data() + t * C, C, ids.data() + t, 1, x.data() + t * C, C, scratch, &pool);
    };
    auto dense_gen = [&] {
      for (size_t t = 0; t < gen_calls; ++t) dense.forward(xn.data() + t * C, 1, x.data() + t * C, &pool);
    };
    // Tokens per tile in the prompt batch (routing is data dependent).
    std::vector<int32_t> tile(N);
    std::vector<float> gsc(N), scores(N * E);
    route_tokens(trix.router(), xn.data(), N, C, ids.data(), tile.data(), gsc.data(), scores.data(), nullptr);
    std::vector<size_t> count(E, 0);
    for (int32_t t : tile) count[size_t(t)] += 1;
    const size_t used = size_t(std::count_if(count.begin(), count.end(), [](size_t c) { return c > 0; }));
    const size_t most = *std::max_element(count.begin(), count.end());

    trix_prompt();  // warm-up
    dense_prompt();
    trix_gen();
    dense_gen();
    std::vector<Sample> tp, dp, tg, dg;
    auto nothing = [] {};
    for (size_t i = 0; i < reps; ++i) {
      if (only != "dense") tp.push_back(timed(trix_prompt));
      dp.push_back(only != "trix" ? timed(dense_prompt) : timed(nothing));
      if (only != "dense") tg.push_back(timed(trix_gen));
      dg.push_back(only != "trix" ? timed(dense_gen) : timed(nothing));
    }
    if (only == "dense") tp = tg = dp;
    auto med = [](const std::vector<Sample>& v, bool cpu) {
      std::vector<double> s;
      for (const Sample& x : v) s.push_back(cpu ? x.cpu : x.wall);
      return median(s);
    };
    // Tiles and sub-norms, plus the learned routers' weights (signatures are derived, not stored).
    const bool learned = kind == nn::RouterKind::learned || kind == nn::RouterKind::learned_st;
    const size_t trix_params = E * (3 * F * C + F) + (learned ? E * C : 0);
    const size_t dense_params = 3 * E * F * C + E * F;
    std::printf("runtime FFN, d_model %zu: trix %zu tiles x d_tile %zu (router %s, %zu parameters) vs dense d_ff %zu "
                "(%zu parameters)\n",
                C, E, F, router.c_str(), trix_params, E * F, dense_params);
    std::printf("cpu level %s, %zu thread(s), %zu interleaved reps (medians); prompt batch %zu tokens: %zu tiles "
                "used, largest group %zu; generation: %zu single-token calls per sample\n",
                std::string(cpu_level_name(active_cpu_level())).c_str(), pool.size(), reps, N, used, most, gen_calls);
    std::printf("packed weights: trix %.0f KiB (one tile %.1f KiB), dense %.0f KiB\n", trix.size_bytes() / 1024.0,
                trix.size_bytes() / 1024.0 / double(E),
                (dense.gate.size_bytes() + dense.up.size_bytes() + dense.down.size_bytes()) / 1024.0);
    std::printf("%-32s %14s %14s %8s\n", "", "trix us/token", "dense us/token", "ratio");
    const struct {
      const char* label;
      const std::vector<Sample>& t;
      const std::vector<Sample>& d;
      size_t per;
    } out[] = {{"generation (1 token)", tg, dg, gen_calls}, {"prompt batch", tp, dp, N}};
    for (const auto& o : out) {
      for (bool cpu : {true, false}) {
        const double a = med(o.t, cpu) / double(o.per), b = med(o.d, cpu) / double(o.per);
        std::printf("%-21s %-10s %14.3f %14.3f %7.1fx\n", o.label, cpu ? "thread-cpu" : "wall", a * 1e6, b * 1e6,
                    b / a);
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

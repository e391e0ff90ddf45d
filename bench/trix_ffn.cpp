// TriX FFN speed: one TriX sparse FFN layer (n_tiles ternary SwiGLU tiles of width d_tile,
// top-1 routing, grouped execution) against a dense BitNet SwiGLU FFN holding the same total
// number of parameters (d_ff = n_tiles * d_tile), side by side in one run: forward + backward
// of the layer on N tokens (training), and forward alone (inference on the training graph).
// Times are medians of interleaved repetitions, reported per token: wall time, and the
// calling thread's CPU time, which on a shared machine is the robust number when the run
// uses one thread (OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1: all work is on that thread).
//
//   bench_trix_ffn [--tokens N] [--d-model C] [--d-tile F] [--tiles E] [--router R] [--reps K]
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "trit/autograd/grad_mode.h"
#include "bench_timing.h"
#include "trit/core/rng.h"
#include "trit/nn/glu_ffn.h"
#include "trit/nn/tile_ffn.h"
#include "trit/ops/ops.h"

using trit::bench::Sample;
using trit::bench::median;
using trit::bench::timed;

int main(int argc, char** argv) {
  using namespace trit;
  int64_t N = 2048, C = 256, F = 64, E = 64, reps = 7;
  std::string router = "learned";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--tokens") N = std::atoll(v);
    else if (k == "--d-model") C = std::atoll(v);
    else if (k == "--d-tile") F = std::atoll(v);
    else if (k == "--tiles") E = std::atoll(v);
    else if (k == "--router") router = v;
    else if (k == "--reps") reps = std::atoll(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  Generator gen(1);
  nn::TileFfnConfig tc;
  tc.d_model = C;
  tc.d_tile = F;
  tc.n_tiles = E;
  tc.router = nn::parse_router_kind(router);
  nn::TileFfn sparse(tc, gen);
  nn::GluFfnConfig dc;
  dc.d_model = C;
  dc.d_ff = E * F;
  nn::GluFfn dense(dc, gen);
  const Tensor x0 = Tensor::randn({N, C}, gen);
  std::vector<int32_t> idv(static_cast<size_t>(N));
  for (int64_t n = 0; n < N; ++n) idv[size_t(n)] = int32_t((n * 131) % 2048);
  const Tensor ids = Tensor::from_vector(idv, {N});

  auto train_step = [&](bool is_sparse) {
    Tensor x = x0.detach().clone();
    x.requires_grad_();
    const Sample s = timed([&] {
      Tensor y = is_sparse ? sparse.forward(x, ids) : dense.forward(x);
      Tensor loss = sum(y * y);
      const Tensor aux = is_sparse ? sparse.last_aux_loss() : Tensor();
      if (aux.defined()) loss = loss + aux;
      loss.backward();
    });
    sparse.zero_grad();
    dense.zero_grad();
    return s;
  };
  auto infer = [&](bool is_sparse) {
    NoGradGuard no_grad;
    return timed([&] { (void)(is_sparse ? sparse.forward(x0, ids) : dense.forward(x0)); });
  };
  train_step(true);
  train_step(false);
  std::vector<Sample> ts, td, is, id;
  for (int64_t r = 0; r < reps; ++r) {
    ts.push_back(train_step(true));
    td.push_back(train_step(false));
    is.push_back(infer(true));
    id.push_back(infer(false));
  }
  auto med = [](const std::vector<Sample>& v, bool cpu) {
    std::vector<double> x;
    for (const Sample& s : v) x.push_back(cpu ? s.cpu : s.wall);
    return median(x);
  };
  const double params_sparse = double(sparse.n_parameters()), params_dense = double(dense.n_parameters());
  std::printf("tokens %lld, d_model %lld, tiles %lld x d_tile %lld (router %s) vs dense d_ff %lld\n", (long long)N,
              (long long)C, (long long)E, (long long)F, router.c_str(), (long long)(E * F));
  std::printf("parameters: trix FFN %.0f, dense FFN %.0f\n", params_sparse, params_dense);
  std::printf("%-30s %14s %14s %8s\n", "", "trix us/token", "dense us/token", "ratio");
  const struct {
    const char* label;
    const std::vector<Sample>& s;
    const std::vector<Sample>& d;
  } rows[] = {{"train (fwd+bwd)", ts, td}, {"forward (no grad)", is, id}};
  for (const auto& r : rows)
    for (bool cpu : {false, true}) {
      const double a = med(r.s, cpu), b = med(r.d, cpu);
      std::printf("%-18s %-11s %14.3f %14.3f %7.1fx\n", r.label, cpu ? "thread-cpu" : "wall", a / double(N) * 1e6,
                  b / double(N) * 1e6, b / a);
    }
  return 0;
}

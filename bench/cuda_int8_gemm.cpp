// bench_cuda_int8_gemm: the int8 tensor-core GEMM trit's inference uses for prompts
// (cuda::gemm_i8_i32: int8 x int8 -> int32 through cuBLASLt, the heuristic's first algorithm)
// at 8192^3, as a fraction of the card's measured int8 peak. The peak is measured with
// cuBLASLt itself: every algorithm its heuristic offers (up to 8) on a sweep of large shapes,
// best of all. The datasheet's dense int8 peak is printed for reference.
//
//   cmake --build build --target bench_cuda_int8_gemm && build/bin/bench_cuda_int8_gemm [--quick]
//
// Exits 77 without a GPU. Goal (issue 7): over 70% of the measured peak at 8192^3.
#include <cstdio>
#include <cstring>
#include <vector>

#include "cuda_bench.h"
#include "trit/backend/cuda/gemm_lt.h"

using namespace trit;
using trit::bench::DeviceArray;

namespace {

struct GemmShape {
  int64_t m, n, k;  // tokens, output rows, inner
};

double tops(const GemmShape& s, double seconds) { return 2.0 * double(s.m) * double(s.n) * double(s.k) / seconds * 1e-12; }

// One shape: every offered algorithm timed (operands allocated here).
struct Run {
  double ours = 0;  // algorithm 0, as gemm_i8_i32 runs it
  double best = 0;  // fastest of all offered algorithms
  int best_algo = 0, n_algos = 0;
};

Run run_shape(const GemmShape& s, int repeats) {
  DeviceArray<int8_t> x(size_t(s.m * s.k)), w(size_t(s.n * s.k));
  DeviceArray<int32_t> y(size_t(s.m * s.n));
  bench::fill_random(x, -127, 127, 1);
  bench::fill_random(w, -1, 1, 2);  // ternary weights, as inference has them
  cuda::GemmCall call = cuda::i8_i32_call(x.get(), s.m, s.k, w.get(), s.n, s.k, s.k, y.get(), s.n);
  Run r;
  r.n_algos = cuda::gemm_algo_count(call);
  for (int a = 0; a < r.n_algos; ++a) {
    call.algo_index = a;
    double t = 0;
    try {
      t = bench::median_seconds([&](int) { cuda::gemm(call); }, repeats);
    } catch (const std::exception& e) {
      std::printf("  algo %d failed: %s\n", a, e.what());
      continue;
    }
    if (a == 0) r.ours = t;
    if (r.best == 0 || t < r.best) {
      r.best = t;
      r.best_algo = a;
    }
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  bench::require_gpu_or_exit("bench_cuda_int8_gemm");
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int repeats = quick ? 5 : 20;
  bench::print_device();
  const std::string name = cuda::context(0).props.name;
  const bench::Datasheet sheet = bench::datasheet(name);

  const GemmShape target{8192, 8192, 8192};
  std::vector<GemmShape> sweep = {target, {16384, 8192, 8192}, {8192, 16384, 8192}, {8192, 8192, 16384},
                              {16384, 16384, 8192}, {16384, 16384, 16384}};
  if (quick) sweep.resize(2);
  double peak = 0, ours_target = 0;
  std::printf("%-22s %8s %12s %12s %6s\n", "shape (MxNxK)", "algos", "ours TOPS", "best TOPS", "algo");
  for (const GemmShape& s : sweep) {
    const Run r = run_shape(s, repeats);
    const double t_ours = r.ours > 0 ? tops(s, r.ours) : 0, t_best = r.best > 0 ? tops(s, r.best) : 0;
    std::printf("%5lldx%5lldx%5lld      %8d %12.1f %12.1f %6d\n", (long long)s.m, (long long)s.n, (long long)s.k,
                r.n_algos, t_ours, t_best, r.best_algo);
    peak = std::max(peak, t_best);
    if (s.m == target.m && s.n == target.n && s.k == target.k) ours_target = t_ours;
  }
  std::printf("\nint8 GEMM at 8192^3 (trit, heuristic's first algorithm): %.1f TOPS\n", ours_target);
  std::printf("measured int8 peak (cuBLASLt, best algorithm over the sweep): %.1f TOPS\n", peak);
  std::printf("fraction of measured peak: %.1f%% (goal > 70%%)\n", peak > 0 ? 100.0 * ours_target / peak : 0.0);
  if (!sheet.model.empty()) {
    std::printf("datasheet dense int8 peak (%s): %.0f TOPS; measured peak is %.1f%% of it, 8192^3 %.1f%%\n",
                sheet.model.c_str(), sheet.int8_tops, 100.0 * peak / sheet.int8_tops,
                100.0 * ours_target / sheet.int8_tops);
  } else {
    std::printf("datasheet peak: unknown device name '%s'\n", name.c_str());
  }
  return 0;
}

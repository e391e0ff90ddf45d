// bench_cuda_gemm: trit's float GEMMs (cuda::gemm, the heuristic's first algorithm, as matmul and
// linear issue them: x [tokens, in] @ Wᵀ, W [out, in]) in float32 (CUDA cores), TF32 (opt-in) and
// BF16 (float32 accumulation, bf16 output), against the same cuBLASLt call with the fastest of
// the algorithms its heuristic offers (up to 8). Prints TFLOP/s, the ratio, and the datasheet
// peak for reference.
//
//   cmake --build build --target bench_cuda_gemm && build/bin/bench_cuda_gemm [--quick]
//
// Exits 77 without a GPU.
#include <cstdio>
#include <cstring>
#include <vector>

#include "cuda_bench.h"
#include "trit/backend/cuda/gemm_lt.h"

using namespace trit;
using trit::bench::DeviceArray;

namespace {

struct GemmShape {
  int64_t tokens, out, in;
};

struct Mode {
  const char* name;
  cuda::GemmTypes types;
  bool tf32;
  size_t elem;
};

}  // namespace

int main(int argc, char** argv) {
  bench::require_gpu_or_exit("bench_cuda_gemm");
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  bench::print_device();
  const bench::Datasheet sheet = bench::datasheet(cuda::context(0).props.name);
  std::vector<GemmShape> shapes = {{4096, 4096, 4096}, {8192, 8192, 8192}, {8192, 3072, 768}, {8192, 768, 3072}};
  if (quick) shapes.resize(1);
  const Mode modes[] = {{"f32", cuda::GemmTypes::f32, false, 4},
                        {"tf32", cuda::GemmTypes::f32, true, 4},
                        {"bf16", cuda::GemmTypes::bf16, false, 2}};
  std::printf("%-5s %-20s %6s %12s %12s %8s\n", "mode", "tokens x out x in", "algos", "ours TFLOP/s",
              "best TFLOP/s", "ratio");
  for (const Mode& mode : modes) {
    cuda::set_allow_tf32(mode.tf32);
    for (const GemmShape& s : shapes) {
      // Every byte 0x3c: finite values near 0.0115 in f32 and bf16 (speed does not depend on them).
      DeviceArray<uint8_t> x(size_t(s.tokens * s.in) * mode.elem), w(size_t(s.out * s.in) * mode.elem),
          y(size_t(s.tokens * s.out) * mode.elem);
      TRIT_CUDA_CHECK(cudaMemset(x.get(), 0x3c, x.bytes()));
      TRIT_CUDA_CHECK(cudaMemset(w.get(), 0x3c, w.bytes()));
      cuda::GemmCall call;
      call.gemm = {s.tokens, s.out, s.in, false, true, s.in, s.in, s.out};
      call.types = mode.types;
      call.a = x.get();
      call.b = w.get();
      call.c = y.get();
      const int n_algos = cuda::gemm_algo_count(call);
      double ours = 0, best = 0;
      for (int a = 0; a < n_algos; ++a) {
        call.algo_index = a;
        double t = 0;
        try {
          t = bench::median_seconds([&](int) { cuda::gemm(call); }, quick ? 5 : 15);
        } catch (const std::exception& e) {
          std::printf("  algo %d failed: %s\n", a, e.what());
          continue;
        }
        if (a == 0) ours = t;
        if (best == 0 || t < best) best = t;
      }
      const double flop = 2.0 * double(s.tokens) * double(s.out) * double(s.in);
      const double tf_ours = ours > 0 ? flop / ours * 1e-12 : 0, tf_best = best > 0 ? flop / best * 1e-12 : 0;
      std::printf("%-5s %6lldx%6lldx%6lld %6d %12.1f %12.1f %7.1f%%\n", mode.name, (long long)s.tokens,
                  (long long)s.out, (long long)s.in, n_algos, tf_ours, tf_best,
                  tf_best > 0 ? 100.0 * tf_ours / tf_best : 0.0);
    }
  }
  cuda::set_allow_tf32(false);
  if (!sheet.model.empty()) {
    std::printf("datasheet dense peaks (%s): f32 %.0f, tf32 %.1f, bf16 %.1f TFLOP/s\n", sheet.model.c_str(),
                sheet.fp32_tflops, sheet.tf32_tflops, sheet.bf16_tflops);
  }
  return 0;
}

// bench_cuda_ternary_gemv: the generation kernel (cuda::ternary_gemv: 2-bit G2 ternary codes x
// int8 activations with dp4a, one token) against a device-to-device cudaMemcpy of the same
// bytes. Each shape's weights are replicated until they exceed four times the L2 cache and the
// calls rotate over the copies, so every call streams its codes from HBM, as a model's layers do.
//
//   cmake --build build --target bench_cuda_ternary_gemv && build/bin/bench_cuda_ternary_gemv [--quick]
//
// Bandwidths: the GEMV's is the bytes it must read (codes + activations) and write (outputs)
// per second; the copy's is bytes read + bytes written per second (2x the copy size), the DRAM
// traffic, so the ratio compares like with like. Small shapes (a few MiB) are bound by launch
// latency, not bandwidth; the goal is about the large ones. Exits 77 without a GPU.
// Goal (issue 7): GEMV bandwidth over 70% of the copy's.
#include <cstdio>
#include <cstring>
#include <vector>

#include "cuda_bench.h"
#include "trit/backend/cuda/int8_infer.h"
#include "trit/runtime/gpu_ternary_layout.h"

using namespace trit;
using trit::bench::DeviceArray;
namespace g2 = trit::runtime::gpu;

int main(int argc, char** argv) {
  bench::require_gpu_or_exit("bench_cuda_ternary_gemv");
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  bench::print_device();
  const auto& props = cuda::context(0).props;
  const bench::Datasheet sheet = bench::datasheet(props.name);
  const size_t l2 = size_t(props.l2CacheSize);
  cudaStream_t stream = cuda::stream(0);

  struct GemvShape {
    int64_t rows, cols;
  };
  std::vector<GemvShape> shapes = {{2048, 2048}, {4096, 4096}, {11008, 4096}, {4096, 11008}, {16384, 16384}};
  if (quick) shapes = {{4096, 4096}};
  std::printf("%-13s %9s %7s %10s %10s %10s %8s\n", "rows x cols", "MiB/call", "copies", "us/call", "GEMV GB/s",
              "copy GB/s", "ratio");
  for (const GemvShape& s : shapes) {
    const size_t cols_p = g2::cols_padded(size_t(s.cols));
    const size_t bytes = size_t(s.rows) * g2::row_bytes(size_t(s.cols));
    const size_t copies = std::max<size_t>(1, (4 * l2 + bytes - 1) / bytes);
    DeviceArray<uint8_t> codes(bytes * copies), copy_dst(bytes * copies);
    // Random bytes (code 3 included): the kernel's speed does not depend on the values.
    bench::fill_random(codes, 0, 255, 3);
    DeviceArray<float> x(size_t(s.cols)), scale(1), y(size_t(s.rows));
    DeviceArray<int8_t> xq(cols_p);
    DeviceArray<int32_t> sum(1), status(1);
    std::vector<float> xh(size_t(s.cols));
    for (size_t j = 0; j < xh.size(); ++j) xh[j] = float(int(j * 7919 % 255) - 127) * 0.01f;
    x.upload(xh);
    cuda::quantize_activations(x.get(), 1, s.cols, s.cols, xq.get(), int64_t(cols_p), scale.get(), sum.get(),
                               status.get());
    cuda::check_quantize_status(status.get());

    const double t_gemv = bench::median_seconds(
        [&](int i) {
          cuda::ternary_gemv(codes.get() + size_t(i) % copies * bytes, s.rows, s.cols, 1.0f, xq.get(), 1,
                             int64_t(cols_p), scale.get(), sum.get(), y.get(), s.rows);
        },
        quick ? 10 : 30, int(copies));
    const double t_copy = bench::median_seconds(
        [&](int) {
          TRIT_CUDA_CHECK(cudaMemcpyAsync(copy_dst.get(), codes.get(), bytes * copies, cudaMemcpyDeviceToDevice,
                                          stream));
        },
        quick ? 5 : 15);
    const double gemv_bytes = double(bytes + cols_p + size_t(s.rows) * 4);
    const double gemv_bw = gemv_bytes / t_gemv * 1e-9;
    const double copy_bw = 2.0 * double(bytes * copies) / t_copy * 1e-9;
    std::printf("%6lldx%-6lld %9.2f %7zu %10.2f %10.1f %10.1f %7.1f%%\n", (long long)s.rows, (long long)s.cols,
                double(bytes) / double(1 << 20), copies, t_gemv * 1e6, gemv_bw, copy_bw, 100.0 * gemv_bw / copy_bw);
  }
  if (!sheet.model.empty()) std::printf("datasheet HBM bandwidth (%s): %.2f TB/s\n", sheet.model.c_str(), sheet.hbm_tbps);
  std::printf("goal: GEMV bandwidth over 70%% of the copy's\n");
  return 0;
}

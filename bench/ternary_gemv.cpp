// bench_ternary: ternary GEMV/GEMM kernels against dense float OpenBLAS on the same shapes,
// and against the machine's memory read bandwidth measured in the same run.
//
//   bench_ternary [--min-time 0.3] [--bandwidth-mib 1024] [--cold-mib 256] [--quick]
//                 [--shape ROWSxCOLS ...]   (default 2048x2048, 4096x11008, 11008x4096)
//   TRIT_CPU=avx2 bench_ternary      (force a lower kernel level)
//
// "hot": the same packed matrix every call (it may sit in L2/L3).
// "cold": calls rotate over enough copies of the matrix to exceed the cold-set size (well
// past L3), so every call streams its weights from memory; the floor is then
// weight bytes / read bandwidth, and "floor%" is floor time / measured time.
#include <cblas.h>
#include <time.h>
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "trit/runtime/activation_quant.h"
#include "trit/runtime/cpu_features.h"
#include "trit/runtime/ternary_matmul.h"
#include "trit/runtime/thread_pool.h"

using namespace trit::runtime;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  double min_time = 0.3;
  size_t bandwidth_mib = 1024;
  size_t cold_mib = 256;
  bool quick = false;
  std::vector<std::pair<size_t, size_t>> shapes;  // rows x cols
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// Median wall and calling-thread CPU seconds per call of fn(i), over calls made during at
// least min_time (after one warm-up call). The machine is shared, so medians: a preempted
// call says nothing about the kernel. For one thread, cpu excludes time spent preempted
// (long calls are preempted on a busy machine); for two threads only wall means anything.
struct CallTime {
  double wall = 0, cpu = 0;
};

CallTime time_per_call(const std::function<void(size_t)>& fn, double min_time) {
  fn(0);
  std::vector<double> walls, cpus;
  const auto start = Clock::now();
  for (size_t i = 1;; ++i) {
    const double c0 = thread_cpu_seconds();
    const auto t0 = Clock::now();
    fn(i);
    const auto t1 = Clock::now();
    cpus.push_back(thread_cpu_seconds() - c0);
    walls.push_back(std::chrono::duration<double>(t1 - t0).count());
    if (std::chrono::duration<double>(t1 - start).count() >= min_time && walls.size() >= 5) break;
  }
  auto median = [](std::vector<double>& v) {
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };
  return {median(walls), median(cpus)};
}

uint64_t sum_plain(const uint64_t* p, size_t n) {
  uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (size_t i = 0; i < n; i += 4) {
    a0 += p[i];
    a1 += p[i + 1];
    a2 += p[i + 2];
    a3 += p[i + 3];
  }
  return a0 + a1 + a2 + a3;
}

// 32-byte loads, four independent accumulators: the widest plain read most x86 CPUs have.
__attribute__((target("avx2"))) uint64_t sum_avx2(const uint64_t* p, size_t n) {
  __m256i a[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                  _mm256_setzero_si256()};
  for (size_t i = 0; i < n; i += 16) {
    for (int k = 0; k < 4; ++k) {
      a[k] = _mm256_add_epi64(a[k], _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 4 * k)));
    }
  }
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes),
                     _mm256_add_epi64(_mm256_add_epi64(a[0], a[1]), _mm256_add_epi64(a[2], a[3])));
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

// Streaming read of a buffer much larger than L3 with `threads` threads, timed per 32 MiB
// slice over 3 passes: the best slice rate in bytes / second. The best, not the median: other
// people's work only slows slices down, so the best is the truest bandwidth, and floor%
// against it errs on the low side.
double read_bandwidth(ThreadPool& pool, size_t threads, size_t mib) {
  constexpr size_t kSlice = (size_t(32) << 20) / sizeof(uint64_t);
  const size_t n = std::max(kSlice, mib * (size_t(1) << 20) / sizeof(uint64_t)) / kSlice * kSlice;
  AlignedBuffer<uint64_t> buf(n);
  for (size_t i = 0; i < n; i += 512) buf[i] = i;  // touch every page
  std::vector<uint64_t> sink(threads);
  const bool wide = cpu_level_supported(CpuLevel::avx2);
  auto work = [&](size_t b, size_t e, size_t chunk) {
    sink[chunk] += wide ? sum_avx2(buf.data() + b, e - b) : sum_plain(buf.data() + b, e - b);
  };
  std::vector<double> rates;
  for (int pass = 0; pass < 3; ++pass) {
    for (size_t s = 0; s < n; s += kSlice) {
      const auto start = Clock::now();
      if (threads == 1) {
        work(s, s + kSlice, 0);
      } else {
        pool.parallel_for(s / 16, (s + kSlice) / 16,
                          [&](size_t b, size_t e, size_t c) { work(16 * b, 16 * e, c); });
      }
      const double t = std::chrono::duration<double>(Clock::now() - start).count();
      rates.push_back(double(kSlice * sizeof(uint64_t)) / t);
    }
  }
  uint64_t total = 0;
  for (auto s : sink) total += s;
  if (total == 1) std::printf(" ");  // keep the reads
  return *std::max_element(rates.begin(), rates.end());
}

void bench_dispatch(ThreadPool& pool, double min_time) {
  std::vector<size_t> touched(pool.size());
  const double t = time_per_call(
      [&](size_t i) { pool.parallel_for(0, pool.size(), [&](size_t b, size_t, size_t) { touched[b] = i; }); },
      min_time).wall;
  // After an idle gap longer than the spin the workers sleep: the dispatch pays a futex wake.
  std::vector<double> woken;
  for (int i = 0; i < 21; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::atomic<int> ran{0};
    const auto t0 = Clock::now();
    pool.parallel_for(0, pool.size(), [&](size_t, size_t, size_t) { ran++; });
    woken.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::nth_element(woken.begin(), woken.begin() + 10, woken.end());
  std::printf("thread pool: %zu threads, empty parallel_for dispatch %.2f us back to back, "
              "%.2f us after 2 ms idle (workers asleep)\n",
              pool.size(), t * 1e6, woken[10] * 1e6);
}

void bench_shape(size_t rows, size_t cols, const Options& opt, ThreadPool* pools[2],
                 const double bandwidth[2], CpuLevel level) {
  std::mt19937 rng(42);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  std::vector<float> wf(rows * cols);
  for (auto& v : wf) v = normal(rng);
  const PackedTernary packed = repack_from_float(wf.data(), rows, cols);
  const size_t bytes = packed.size_bytes();

  // Cold set: copies of the packed codes filling cold_mib.
  const size_t copies = std::max<size_t>(2, (opt.cold_mib << 20) / bytes + 1);
  AlignedBuffer<uint8_t> cold(copies * bytes);
  for (size_t c = 0; c < copies; ++c) std::memcpy(cold.data() + c * bytes, packed.codes(), bytes);

  std::printf("\n== W %zu x %zu: ternary %.2f MiB (2 bits/weight), float %.1f MiB; cold set %zu copies\n",
              rows, cols, double(bytes) / (1 << 20), double(wf.size() * 4) / (1 << 20), copies);
  std::printf("times are medians in us; (cpu) = calling-thread CPU time, 1 thread only\n");
  std::printf("%-3s %-3s | %9s %9s | %9s %9s %6s %6s | %8s | %7s | %9s %9s %8s | %s\n", "n", "thr",
              "hot", "(cpu)", "cold", "(cpu)", "GB/s", "floor%", "GOP/s", "quant", "blas",
              "(cpu)", "GB/s", "blas/ternary");
  for (size_t n : {size_t(1), size_t(64)}) {
    std::vector<float> xf(n * cols);
    for (auto& v : xf) v = normal(rng) * 50.0f;
    QuantizedActivations xq;
    xq.quantize(xf.data(), n, cols, cols, level);
    std::vector<float> y(n * rows);
    for (int ti = 0; ti < 2; ++ti) {
      ThreadPool* pool = pools[ti];
      const size_t threads = ti + 1;
      const CallTime hot = time_per_call(
          [&](size_t) { ternary_matmul(packed.view(), xq.view(), y.data(), rows, pool, level); },
          opt.min_time);
      const CallTime cold_t = time_per_call(
          [&](size_t i) {
            TernaryWeightsView v = packed.view();
            v.codes = cold.data() + (i % copies) * bytes;
            ternary_matmul(v, xq.view(), y.data(), rows, pool, level);
          },
          opt.min_time);
      QuantizedActivations scratch(n, cols);
      const CallTime quant = time_per_call(
          [&](size_t) { scratch.quantize(xf.data(), n, cols, cols, level); }, opt.min_time / 3);
      openblas_set_num_threads(int(threads));
      std::vector<float> yb(n * rows);
      const CallTime blas = time_per_call(
          [&](size_t) {
            if (n == 1) {
              cblas_sgemv(CblasRowMajor, CblasNoTrans, int(rows), int(cols), 1.0f, wf.data(),
                          int(cols), xf.data(), 1, 0.0f, yb.data(), 1);
            } else {
              cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(n), int(rows), int(cols),
                          1.0f, xf.data(), int(cols), wf.data(), int(cols), 0.0f, yb.data(),
                          int(rows));
            }
          },
          opt.min_time);
      // One thread: CPU time is the better estimate of the kernel (no preemption); two: wall.
      auto best = [&](const CallTime& c) { return threads == 1 ? std::min(c.wall, c.cpu) : c.wall; };
      const double floor = double(bytes) / bandwidth[ti];
      const double ops = 2.0 * double(rows) * double(cols) * double(n);
      auto cpu_text = [&](const CallTime& c) {
        char buf[32];
        if (threads == 1) std::snprintf(buf, sizeof buf, "%9.1f", c.cpu * 1e6);
        else std::snprintf(buf, sizeof buf, "%9s", "-");
        return std::string(buf);
      };
      std::printf("%-3zu %-3zu | %9.1f %s | %9.1f %s %6.1f %5.0f%% | %8.1f | %7.1f | %9.1f %s %8.1f | %.1fx\n",
                  n, threads, hot.wall * 1e6, cpu_text(hot).c_str(), cold_t.wall * 1e6,
                  cpu_text(cold_t).c_str(), double(bytes) / best(cold_t) / 1e9,
                  100.0 * floor / best(cold_t), ops / std::min(best(hot), best(cold_t)) / 1e9,
                  best(quant) * 1e6, blas.wall * 1e6, cpu_text(blas).c_str(),
                  double(wf.size() * 4) / best(blas) / 1e9, best(blas) / best(cold_t));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench_ternary: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--min-time") opt.min_time = std::atof(value());
    else if (a == "--bandwidth-mib") opt.bandwidth_mib = std::strtoull(value(), nullptr, 10);
    else if (a == "--cold-mib") opt.cold_mib = std::strtoull(value(), nullptr, 10);
    else if (a == "--quick") opt.quick = true;
    else if (a == "--shape") {
      size_t rows = 0, cols = 0;
      if (std::sscanf(value(), "%zux%zu", &rows, &cols) != 2 || rows == 0 || cols == 0) {
        std::fprintf(stderr, "bench_ternary: --shape wants ROWSxCOLS, e.g. 4096x11008\n");
        return 2;
      }
      opt.shapes.emplace_back(rows, cols);
    }
    else {
      std::fprintf(stderr,
                   "usage: bench_ternary [--min-time S] [--bandwidth-mib N] [--cold-mib N] [--quick]\n"
                   "                     [--shape ROWSxCOLS ...]\n"
                   "  TRIT_CPU=scalar|avx2|avx512 forces a lower kernel level\n");
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  try {
    const CpuLevel level = active_cpu_level();
    std::printf("cpu: %s; kernels: %s\n", describe_cpu(cpu_features()).c_str(),
                std::string(cpu_level_name(level)).c_str());
    ThreadPool pool1(1), pool2(2);
    ThreadPool* pools[2] = {&pool1, &pool2};
    bench_dispatch(pool2, opt.min_time);
    const double bw[2] = {read_bandwidth(pool1, 1, opt.bandwidth_mib),
                          read_bandwidth(pool2, 2, opt.bandwidth_mib)};
    std::printf("memory read bandwidth (%zu MiB stream, best 32 MiB slice): 1 thread %.1f GB/s, 2 threads %.1f GB/s\n",
                opt.bandwidth_mib, bw[0] / 1e9, bw[1] / 1e9);
    if (opt.shapes.empty()) {
      opt.shapes = {{2048, 2048}};
      if (!opt.quick) opt.shapes.insert(opt.shapes.end(), {{4096, 11008}, {11008, 4096}});
    }
    for (auto [rows, cols] : opt.shapes) bench_shape(rows, cols, opt, pools, bw, level);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_ternary: %s\n", e.what());
    return 1;
  }
  return 0;
}

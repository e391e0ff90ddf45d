#pragma once
// Shared pieces of the CUDA benchmarks: the no-GPU exit (77, like the tests' skip), device
// arrays, event timing (median over repeats, after warm-up), and the datasheet peaks printed
// next to measured ones for reference.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/core/accelerator.h"

namespace trit::bench {

inline void require_gpu_or_exit(const char* program) {
  if (!trit::cuda_available()) {
    std::printf("%s: skipped, %s\n", program, trit::cuda_unavailable_reason().c_str());
    std::exit(77);
  }
}

template <typename T>
class DeviceArray {
 public:
  explicit DeviceArray(size_t n) : n_(n) { TRIT_CUDA_CHECK(cudaMalloc(&ptr_, std::max<size_t>(n, 1) * sizeof(T))); }
  ~DeviceArray() { cudaFree(ptr_); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  T* get() const { return static_cast<T*>(ptr_); }
  size_t size() const { return n_; }
  size_t bytes() const { return n_ * sizeof(T); }
  void upload(const std::vector<T>& host) {
    TRIT_CUDA_CHECK(cudaMemcpy(ptr_, host.data(), std::min(host.size(), n_) * sizeof(T), cudaMemcpyHostToDevice));
  }

 private:
  void* ptr_ = nullptr;
  size_t n_ = 0;
};

// Random values in [lo, hi] on the device: a 1 Mi-element random pattern tiled over the array
// (uploading gigabytes of fresh randomness would take longer than the benchmark).
template <typename T>
void fill_random(DeviceArray<T>& a, int lo, int hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<T> host(std::min<size_t>(a.size(), size_t(1) << 20));
  for (auto& v : host) v = T(d(rng));
  for (size_t at = 0; at < a.size(); at += host.size()) {
    const size_t n = std::min(host.size(), a.size() - at);
    TRIT_CUDA_CHECK(cudaMemcpy(a.get() + at, host.data(), n * sizeof(T), cudaMemcpyHostToDevice));
  }
}

// Median seconds of one call of fn(i) on the trit stream: `warmup` untimed calls, then `repeats`
// timed with events (each sample covers `inner` calls, so launch gaps of short kernels average).
inline double median_seconds(const std::function<void(int)>& fn, int repeats = 10, int inner = 1, int warmup = 2) {
  cudaStream_t s = trit::cuda::stream(0);
  for (int i = 0; i < warmup; ++i) fn(i);
  cudaEvent_t start, stop;
  TRIT_CUDA_CHECK(cudaEventCreate(&start));
  TRIT_CUDA_CHECK(cudaEventCreate(&stop));
  std::vector<double> samples;
  int call = 0;
  for (int r = 0; r < repeats; ++r) {
    TRIT_CUDA_CHECK(cudaEventRecord(start, s));
    for (int i = 0; i < inner; ++i) fn(call++);
    TRIT_CUDA_CHECK(cudaEventRecord(stop, s));
    TRIT_CUDA_CHECK(cudaEventSynchronize(stop));
    float ms = 0;
    TRIT_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
    samples.push_back(double(ms) * 1e-3 / inner);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

struct Datasheet {
  std::string model;    // empty when unknown
  double int8_tops = 0; // dense (no sparsity)
  double bf16_tflops = 0;
  double tf32_tflops = 0;
  double fp32_tflops = 0;  // CUDA cores
  double hbm_tbps = 0;
};

// NVIDIA's published dense peaks, by device name, for reference only: boost clocks and power
// limits differ per board, which is why the benchmarks measure the peak themselves.
inline Datasheet datasheet(const std::string& name) {
  auto has = [&](const char* s) { return name.find(s) != std::string::npos; };
  if (has("H200")) return {"H200 SXM", 1979, 989.5, 494.7, 67, 4.8};
  if (has("H100") && (has("PCIe") || has("PCI"))) return {"H100 PCIe", 1513, 756, 378, 51, 2.0};
  if (has("H100") && has("NVL")) return {"H100 NVL", 1671, 835, 417.5, 60, 3.9};
  if (has("H100")) return {"H100 SXM", 1979, 989.5, 494.7, 67, 3.35};
  return {};
}

inline void print_device() {
  const auto& props = trit::cuda::context(0).props;
  std::printf("device: %s, %d SMs, %.1f GiB, compute capability %d.%d\n", props.name, props.multiProcessorCount,
              double(props.totalGlobalMem) / double(1 << 30), props.major, props.minor);
}

}  // namespace trit::bench

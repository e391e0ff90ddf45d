#pragma once
// CUDA-against-CPU checks for op tests: the same function runs on CPU inputs and on copies of
// them on cuda:0, forward and backward (with one seeded upstream gradient), and every output
// and input gradient must agree within the tolerance. Strided cases build their views inside
// the function so both devices see the same layout. Call TRIT_REQUIRE_GPU() first.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <vector>

#include "trit/core/rng.h"
#include "trit/core/tensor.h"
#include "trit/ops/ops.h"

namespace trit::test {

// Float32 against the CPU: 1e-5 relative (the bar), with an absolute floor for
// values that are zero up to rounding.
constexpr double kF32Rtol = 1e-5, kF32Atol = 1e-6;
// BF16 storage: one rounding of 8 mantissa bits, 1e-2 relative.
constexpr double kBf16Rtol = 1e-2, kBf16Atol = 1e-3;

inline Tensor random_f32(const Shape& shape, uint64_t seed, double scale = 1.0) {
  Generator g(seed);
  Tensor t = Tensor::randn(shape, g, DType::f32);
  if (scale != 1.0) t = t * scale;
  return t.detach();
}

inline void require_close(const Tensor& got, const Tensor& want, double rtol, double atol, const char* what) {
  INFO(what);
  REQUIRE(got.defined() == want.defined());
  if (!want.defined()) return;
  REQUIRE(got.shape() == want.shape());
  const auto g = got.to_vector<double>(), w = want.to_vector<double>();
  for (size_t i = 0; i < w.size(); ++i) {
    INFO("element " << i << ": cuda " << g[i] << " vs cpu " << w[i]);
    REQUIRE(std::abs(g[i] - w[i]) <= atol + rtol * std::abs(w[i]));
  }
}

using DeviceFn = std::function<Tensor(const std::vector<Tensor>&)>;

// inputs: CPU tensors; floating ones with grad=true in `needs_grad` (default: all floating)
// become leaves that require grad on both devices.
inline void compare_with_cpu(const DeviceFn& fn, const std::vector<Tensor>& inputs, double rtol = kF32Rtol,
                             double atol = kF32Atol, bool backward = true, uint64_t seed = 991) {
  const Device gpu = Device::cuda(0);
  std::vector<Tensor> cpu_in, gpu_in;
  for (const Tensor& t : inputs) {
    Tensor c = t.detach().clone(), d = t.detach().to(gpu);
    if (backward && is_floating(t.dtype())) {
      c.requires_grad_();
      d.requires_grad_();
    }
    cpu_in.push_back(c);
    gpu_in.push_back(d);
  }
  const Tensor out_cpu = fn(cpu_in);
  const Tensor out_gpu = fn(gpu_in);
  REQUIRE(out_gpu.device() == gpu);
  require_close(out_gpu, out_cpu, rtol, atol, "forward");
  if (!backward) return;
  Tensor upstream = random_f32(out_cpu.shape(), seed).to(out_cpu.dtype());
  out_cpu.backward(upstream);
  out_gpu.backward(upstream.to(gpu));
  for (size_t i = 0; i < cpu_in.size(); ++i) {
    if (!cpu_in[i].requires_grad()) continue;
    INFO("gradient of input " << i);
    require_close(gpu_in[i].grad(), cpu_in[i].grad(), rtol, atol, "backward");
  }
}

}  // namespace trit::test

// Tests ternary_offload.cpp: a device copy of packed ternary weights computes the CPU kernels'
// floats bit for bit (with a GPU: the GEMV up to 4 tokens, the IMMA GEMM past that), and asking
// for a device that cannot be used is one clear error (without a GPU or without the backend).
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "trit/core/accelerator.h"
#include "trit/runtime/activation_quant.h"
#include "trit/runtime/ternary_matmul.h"
#include "trit/runtime/ternary_offload.h"

using namespace trit;
using namespace trit::runtime;

TEST_CASE("ternary offload: the CPU is not an offload device") {
  const PackedTernary w(4, 256, 1.0f);
  CHECK_THROWS_WITH(make_ternary_offload(w.view(), Device::cpu()), Catch::Contains("not an accelerator"));
}

TEST_CASE("ternary offload: CPU floats bit for bit on the GPU, or one clear error without one") {
  const size_t rows = 200, cols = 768;
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> tern(-1, 1);
  std::vector<int8_t> wq(rows * cols);
  for (auto& v : wq) v = int8_t(tern(rng));
  const PackedTernary w = repack_from_ternary(wq.data(), rows, cols, 0.8f);
  if (!cuda_available()) {
    CHECK_THROWS_WITH(make_ternary_offload(w.view(), Device::cuda(0)), Catch::Contains("cuda:0"));
    return;
  }
  const auto gpu = make_ternary_offload(w.view(), Device::cuda(0));
  CHECK(gpu->device_bytes() >= rows * cols / 4);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (size_t n : {size_t(1), size_t(4), size_t(5), size_t(33)}) {
    INFO("tokens " << n);
    std::vector<float> x(n * cols);
    for (auto& v : x) v = normal(rng);
    QuantizedActivations q;
    q.quantize(x.data(), n, cols, cols);
    std::vector<float> want(n * 210), got(n * 210, -1.0f);
    ternary_matmul(w.view(), q.view(), want.data(), 210, nullptr, CpuLevel::scalar);
    gpu->forward(q.view(), got.data(), 210);
    for (size_t t = 0; t < n; ++t) {
      for (size_t r = 0; r < rows; ++r) CHECK(got[t * 210 + r] == want[t * 210 + r]);
    }
  }
}

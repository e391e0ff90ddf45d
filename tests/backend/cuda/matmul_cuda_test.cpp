// Tests matmul_cuda.cpp through the public ops: matmul and linear on CUDA tensors equal the CPU
// ops (float32 to 1e-5 of the largest output, bf16 to 1e-2), for transposed views, broadcast and
// permuted batches, the fused bias epilogue, and matmul's backward. Needs a GPU and the CUDA
// tensor copies (Tensor::to(cuda)).
#if TRIT_HAVE_CUDA
#include "trit/backend/cuda/matmul_cuda.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "support/cuda.h"
#include "trit/autograd/grad_mode.h"
#include "trit/core/rng.h"
#include "trit/ops/matmul.h"
#include "trit/ops/view.h"

using namespace trit;

namespace {

void check_close(const Tensor& gpu, const Tensor& cpu, double tol) {
  REQUIRE(gpu.device().is_cuda());
  REQUIRE(gpu.shape() == cpu.shape());
  const auto g = gpu.to(Device::cpu()).to(DType::f32).to_vector<float>();
  const auto c = cpu.to(DType::f32).to_vector<float>();
  double scale = 0;
  for (float v : c) scale = std::max(scale, double(std::abs(v)));
  for (size_t i = 0; i < g.size(); ++i) CHECK(std::abs(double(g[i]) - double(c[i])) <= tol * scale);
}

Tensor on_gpu(const Tensor& t) { return t.to(Device::cuda(0)); }

}  // namespace

TEST_CASE("cuda matmul: equals the CPU through views, broadcast and permuted batches") {
  TRIT_REQUIRE_GPU();
  Generator gen(1);
  const Tensor a = Tensor::randn({3, 33, 17}, gen), b = Tensor::randn({17, 9}, gen);
  check_close(matmul(on_gpu(a), on_gpu(b)), matmul(a, b), 1e-5);
  const Tensor w = Tensor::randn({9, 17}, gen);  // linear's weight: read transposed, no copy
  check_close(matmul(on_gpu(a), transpose(on_gpu(w), 0, 1)), matmul(a, transpose(w, 0, 1)), 1e-5);
  const Tensor q = Tensor::randn({2, 5, 4, 8}, gen), k = Tensor::randn({2, 5, 4, 8}, gen);
  const Tensor qp = permute(q, {0, 2, 1, 3}), kp = permute(k, {0, 2, 3, 1});
  check_close(matmul(permute(on_gpu(q), {0, 2, 1, 3}), permute(on_gpu(k), {0, 2, 3, 1})), matmul(qp, kp), 1e-5);
  const Tensor empty_k = Tensor::randn({4, 0}, gen), rhs = Tensor::randn({0, 3}, gen);
  check_close(matmul(on_gpu(empty_k), on_gpu(rhs)), matmul(empty_k, rhs), 0.0);
}

TEST_CASE("cuda matmul: bf16 to 1e-2, and operands on two devices are an error") {
  TRIT_REQUIRE_GPU();
  Generator gen(2);
  const Tensor a = Tensor::randn({64, 48}, gen).to(DType::bf16), b = Tensor::randn({48, 32}, gen).to(DType::bf16);
  const Tensor out = matmul(on_gpu(a), on_gpu(b));
  CHECK(out.dtype() == DType::bf16);
  check_close(out, matmul(a.to(DType::f32), b.to(DType::f32)), 1e-2);
  CHECK_THROWS_WITH(matmul(on_gpu(a), b), Catch::Contains("cpu") || Catch::Contains("cuda"));
}

TEST_CASE("cuda linear: the bias epilogue in inference, the unfused path with gradients") {
  TRIT_REQUIRE_GPU();
  Generator gen(3);
  const Tensor x = Tensor::randn({2, 7, 24}, gen), w = Tensor::randn({40, 24}, gen), bias = Tensor::randn({40}, gen);
  const Tensor want = linear(x, w, bias);
  {
    NoGradGuard no_grad;
    check_close(linear(on_gpu(x), on_gpu(w), on_gpu(bias)), want, 1e-5);
  }
  Tensor wg = on_gpu(w);
  wg.requires_grad_();
  const Tensor y = linear(on_gpu(x), wg, on_gpu(bias));
  check_close(y, want, 1e-5);
  y.backward(on_gpu(Tensor::ones(y.shape())));
  // dW = Σ_tokens dyᵀ x = column sums of x over tokens, broadcast over the 40 rows.
  Tensor wc = w.detach();
  wc.requires_grad_();
  linear(x, wc, bias).backward(Tensor::ones(y.shape()));
  check_close(wg.grad(), wc.grad(), 1e-5);
}
#endif

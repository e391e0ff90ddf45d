#include "trit/autograd/autocast.h"

#include <catch2/catch.hpp>

#include <thread>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;

namespace {

Tensor random(const Shape& shape, uint64_t seed, DType dtype = DType::f32) {
  Generator g(seed);
  return Tensor::randn(shape, g, dtype);
}

// What a bf16 GEMM with float32 accumulation returns, computed by hand: round the operands,
// multiply in float32, round the result.
Tensor bf16_product(const Tensor& a, const Tensor& b) {
  NoGradGuard no_grad;
  return matmul(a.to(DType::bf16).to(DType::f32), b.to(DType::bf16).to(DType::f32)).to(DType::bf16).to(DType::f32);
}

}  // namespace

TEST_CASE("autocast guard: off by default, nests, restores, and is per thread") {
  CHECK_FALSE(autocast_enabled());
  {
    AutocastGuard outer(DType::bf16);
    CHECK(autocast_enabled());
    CHECK(autocast_dtype() == DType::bf16);
    {
      AutocastGuard inner(DType::f16);
      CHECK(autocast_dtype() == DType::f16);
      {
        AutocastGuard off(DType::bf16, false);
        CHECK_FALSE(autocast_enabled());
      }
      CHECK(autocast_enabled());
      CHECK(autocast_dtype() == DType::f16);
    }
    CHECK(autocast_dtype() == DType::bf16);
    bool other_thread_sees = true;
    std::thread([&] { other_thread_sees = autocast_enabled(); }).join();
    CHECK_FALSE(other_thread_sees);
  }
  CHECK_FALSE(autocast_enabled());
  CHECK_THROWS_WITH(AutocastGuard(DType::f32), Catch::Contains("bf16 or f16") && Catch::Contains("f32"));
}

TEST_CASE("autocast: only float32 inputs are cast") {
  const Tensor f = random({2, 2}, 1);
  CHECK_FALSE(autocast_compute_dtype({f, f}).has_value());  // off
  AutocastGuard amp(DType::bf16);
  CHECK(autocast_compute_dtype({f, f}) == DType::bf16);
  CHECK_FALSE(autocast_compute_dtype({f, f.to(DType::f64)}).has_value());
  CHECK_FALSE(autocast_compute_dtype({f, Tensor()}).has_value());
  CHECK_FALSE(autocast_compute_dtype({f.to(DType::bf16)}).has_value());
}

TEST_CASE("autocast: matmul and linear compute in bf16 and return float32; norms and softmax do not change") {
  const Tensor a = random({5, 7}, 2), b = random({7, 3}, 3), w = random({4, 7}, 4), x = random({2, 5, 7}, 5);
  const Tensor plain = matmul(a, b);
  Tensor mixed, lin, sm, norm, ce;
  {
    AutocastGuard amp(DType::bf16);
    mixed = matmul(a, b);
    lin = linear(x, w);
    sm = softmax(a, -1);
    norm = rms_norm(a, Tensor::ones({7}));
    ce = cross_entropy(a, Tensor::from_vector(std::vector<int32_t>{0, 1, 2, 3, 4}, {5}));
  }
  REQUIRE(mixed.dtype() == DType::f32);
  test::check_close(mixed, bf16_product(a, b), 0, 0);  // exactly the bf16 GEMM's result
  CHECK_FALSE(mixed.to_vector<float>() == plain.to_vector<float>());  // and not the float32 one
  test::check_close(mixed, plain, 2e-2, 2e-2);
  REQUIRE(lin.dtype() == DType::f32);
  test::check_close(lin.reshape({10, 4}), bf16_product(x.reshape({10, 7}), w.transpose(0, 1)), 0, 0);
  // Norms, softmax and losses run in float32: bit for bit what they give without autocast.
  CHECK(sm.to_vector<float>() == softmax(a, -1).to_vector<float>());
  CHECK(norm.to_vector<float>() == rms_norm(a, Tensor::ones({7})).to_vector<float>());
  CHECK(ce.item() == cross_entropy(a, Tensor::from_vector(std::vector<int32_t>{0, 1, 2, 3, 4}, {5})).item());
  // float64 (gradient checks) is never cast.
  const Tensor a64 = a.to(DType::f64), b64 = b.to(DType::f64);
  AutocastGuard amp(DType::bf16);
  CHECK(matmul(a64, b64).to_vector<double>() == [&] {
    AutocastGuard off(DType::bf16, false);
    return matmul(a64, b64).to_vector<double>();
  }());
}

TEST_CASE("autocast: gradients flow through the casts to float32 master weights") {
  const Tensor x = random({6, 8}, 6);
  Tensor w = random({3, 8}, 7).requires_grad_();
  const Tensor g = random({6, 3}, 8);
  {
    AutocastGuard amp(DType::bf16);
    const Tensor y = linear(x, w);
    REQUIRE(y.dtype() == DType::f32);
    y.backward(g);
  }
  REQUIRE(w.grad().defined());
  REQUIRE(w.grad().dtype() == DType::f32);
  // dW = g^T x computed as the bf16 GEMM would: both operands rounded to bf16, result rounded.
  test::check_close(w.grad(), bf16_product(g.transpose(0, 1), x), 0, 0);
  // and close to the float32 gradient
  Tensor w32 = w.detach().clone().requires_grad_();
  linear(x, w32).backward(g);
  test::check_close(w.grad(), w32.grad(), 2e-2, 2e-2);
}

TEST_CASE("autocast: a broadcast matmul sums its 16-bit gradient in float32") {
  const Tensor a = random({2, 3, 4}, 14);
  Tensor b = random({4, 5}, 15).requires_grad_();
  Tensor y;
  {
    AutocastGuard amp(DType::bf16);
    y = matmul(a, b);
  }
  sum(y).backward();
  REQUIRE(b.grad().dtype() == DType::f32);
  // db = sum over the batch of a^T @ ones: each batch's product in bf16, summed in float32,
  // rounded to bf16 once, then widened.
  NoGradGuard no_grad;
  const Tensor ab = a.to(DType::bf16).to(DType::f32);
  const Tensor per_batch = matmul(ab.transpose(1, 2), Tensor::ones({2, 3, 5})).to(DType::bf16).to(DType::f32);
  test::check_close(b.grad(), sum(per_batch, {0}).to(DType::bf16).to(DType::f32), 0, 0);
}

TEST_CASE("autocast: causal attention on the CPU runs its matmuls in bf16, softmax in float32") {
  const Tensor q = random({1, 2, 9, 8}, 9), k = random({1, 1, 9, 8}, 10), v = random({1, 1, 9, 8}, 11);
  Tensor qg = q.clone().requires_grad_();
  Tensor out;
  {
    AutocastGuard amp(DType::bf16);
    out = causal_attention(qg, k, v);
  }
  REQUIRE(out.dtype() == DType::f32);
  sum(out).backward();
  REQUIRE(qg.grad().dtype() == DType::f32);
  const Tensor ref = causal_attention(q, k, v);
  test::check_close(out, ref, 2e-2, 2e-2);
  CHECK_FALSE(out.to_vector<float>() == ref.to_vector<float>());
}

TEST_CASE("autocast: float16 works the same way") {
  const Tensor a = random({4, 5}, 12), b = random({5, 6}, 13);
  Tensor mixed;
  {
    AutocastGuard amp(DType::f16);
    mixed = matmul(a, b);
  }
  REQUIRE(mixed.dtype() == DType::f32);
  NoGradGuard no_grad;
  const Tensor want = matmul(a.to(DType::f16).to(DType::f32), b.to(DType::f16).to(DType::f32)).to(DType::f16).to(DType::f32);
  test::check_close(mixed, want, 0, 0);
}

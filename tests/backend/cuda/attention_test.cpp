// The fused CUDA attention (backend/cuda/attention.h through ops/attention.cpp) against the
// composed CPU op, forward and backward: float32 to 1e-5 and bf16 to 1e-2, relative to the
// larger of the element and the tensor's largest magnitude (softmax outputs near zero have no
// meaningful per-element relative error). Odd lengths over several tiles, grouped-query heads,
// a KV-cache offset, head dims 32/64/128 and padded ones, strided (transposed) inputs; float32
// exercises the SIMT kernels, bf16 the tensor-core ones.
// The GPU cases skip without a device; the shape checks run everywhere.
#include "trit/backend/cuda/attention.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "support/cuda.h"
#include "trit/autograd/autocast.h"
#include "trit/core/rng.h"
#include "trit/ops/ops.h"

using namespace trit;

namespace {

struct Case {
  int64_t B, H, Hkv, T, S, D;
};

void expect_close(const Tensor& got, const Tensor& want, double rtol, const char* what) {
  REQUIRE(got.shape() == want.shape());
  const auto a = got.to(Device::cpu()).to_vector<double>(), b = want.to(Device::cpu()).to_vector<double>();
  double peak = 0;
  for (double x : b) peak = std::max(peak, std::abs(x));
  for (size_t i = 0; i < a.size(); ++i) {
    INFO(what << " element " << i << ": " << a[i] << " vs " << b[i] << " (peak " << peak << ")");
    REQUIRE(std::abs(a[i] - b[i]) <= rtol * (std::abs(b[i]) + peak));
  }
}

Tensor random(const Shape& shape, uint64_t seed) {
  Generator g(seed);
  return Tensor::randn(shape, g, DType::f32);
}

// Runs the CPU op on `dtype`-rounded float32 copies and the CUDA op on `dtype` tensors (made
// from a [B, T, H, D] buffer through a transpose when `strided`), then compares.
void compare(const Case& c, DType dtype, double rtol, bool strided) {
  INFO("B " << c.B << " H " << c.H << " Hkv " << c.Hkv << " T " << c.T << " S " << c.S << " D " << c.D << " "
            << dtype_name(dtype) << (strided ? " strided" : ""));
  auto make = [&](int64_t heads, int64_t len, uint64_t seed) {
    Tensor t = strided ? random({c.B, len, heads, c.D}, seed).transpose(1, 2) : random({c.B, heads, len, c.D}, seed);
    return t.to(dtype).to(DType::f32);  // the values both sides see
  };
  const Tensor q = make(c.H, c.T, 1), k = make(c.Hkv, c.S, 2), v = make(c.Hkv, c.S, 3);
  const Tensor dout = random({c.B, c.H, c.T, c.D}, 4).to(dtype).to(DType::f32);

  Tensor qc = q.detach().clone().requires_grad_(), kc = k.detach().clone().requires_grad_(),
         vc = v.detach().clone().requires_grad_();
  Tensor ref = causal_attention(qc, kc, vc);
  ref.backward(dout);

  auto to_gpu = [&](const Tensor& t) {
    // Keep the strided layout on the device: transpose back, copy, transpose again.
    Tensor g = strided ? t.transpose(1, 2).contiguous().to(dtype).to(Device::cuda()).transpose(1, 2)
                       : t.to(dtype).to(Device::cuda());
    return g.detach().requires_grad_();
  };
  Tensor qg = to_gpu(q), kg = to_gpu(k), vg = to_gpu(v);
  Tensor out = causal_attention(qg, kg, vg);
  REQUIRE(out.dtype() == dtype);
  REQUIRE(out.device().is_cuda());
  out.backward(dout.to(dtype).to(Device::cuda()));
  expect_close(out.to(DType::f32), ref, rtol, "out");
  expect_close(qg.grad().to(DType::f32), qc.grad(), rtol, "dq");
  expect_close(kg.grad().to(DType::f32), kc.grad(), rtol, "dk");
  expect_close(vg.grad().to(DType::f32), vc.grad(), rtol, "dv");
}

const Case kCases[] = {
    {2, 4, 2, 70, 70, 64},   // grouped heads, two row blocks, three key tiles
    {1, 3, 3, 33, 33, 32},   // one past a key tile
    {1, 2, 1, 129, 129, 128},
    {1, 4, 4, 17, 40, 48},   // KV-cache offset 23, head dim padded to 64
    {2, 2, 2, 1, 1, 16},     // one token
    {1, 4, 1, 200, 230, 80},  // several 64-row blocks and tiles, cache offset 30, 4 heads per kv head
};

}  // namespace

TEST_CASE("cuda attention: the shape check names what the kernel cannot do") {
  cuda::AttentionShape s;
  s.B = 1, s.H = 4, s.Hkv = 2, s.T = 8, s.S = 8, s.D = 64, s.scale = 0.125f, s.dtype = DType::f32;
  CHECK_NOTHROW(cuda::check_attention_shape(s));
  s.dtype = DType::bf16;
  CHECK_NOTHROW(cuda::check_attention_shape(s));
  s.dtype = DType::f64;
  CHECK_THROWS_WITH(cuda::check_attention_shape(s), Catch::Contains("f32 or bf16") && Catch::Contains("f64"));
  s.dtype = DType::f32;
  s.D = 129;
  CHECK_THROWS_WITH(cuda::check_attention_shape(s), Catch::Contains("head dim 129"));
  s.D = 64;
  s.Hkv = 3;
  CHECK_THROWS_WITH(cuda::check_attention_shape(s), Catch::Contains("not a multiple of 3"));
  s.Hkv = 2;
  s.S = 4;
  CHECK_THROWS_WITH(cuda::check_attention_shape(s), Catch::Contains("fewer keys"));
}

TEST_CASE("cuda attention: float32 forward and backward equal the CPU op") {
  TRIT_REQUIRE_GPU();
  for (const Case& c : kCases) compare(c, DType::f32, 1e-5, false);
  compare(kCases[0], DType::f32, 1e-5, true);
}

TEST_CASE("cuda attention: bf16 forward and backward equal the CPU op on the same values") {
  TRIT_REQUIRE_GPU();
  for (const Case& c : kCases) compare(c, DType::bf16, 1e-2, false);
  compare(kCases[3], DType::bf16, 1e-2, true);
}

TEST_CASE("cuda attention: under bf16 autocast float32 inputs give float32 outputs and gradients") {
  TRIT_REQUIRE_GPU();
  const Case c{1, 4, 2, 45, 45, 64};
  const Tensor q = random({c.B, c.H, c.T, c.D}, 7), k = random({c.B, c.Hkv, c.S, c.D}, 8), v = random({c.B, c.Hkv, c.S, c.D}, 9);
  Tensor qg = q.to(Device::cuda()).requires_grad_(), kg = k.to(Device::cuda()).requires_grad_(),
         vg = v.to(Device::cuda()).requires_grad_();
  Tensor out;
  {
    AutocastGuard amp(DType::bf16);
    out = causal_attention(qg, kg, vg);
  }
  REQUIRE(out.dtype() == DType::f32);
  sum(out).backward();
  REQUIRE(qg.grad().dtype() == DType::f32);
  REQUIRE(kg.grad().dtype() == DType::f32);

  Tensor qc = q.clone().requires_grad_(), kc = k.clone().requires_grad_(), vc = v.clone().requires_grad_();
  Tensor ref = causal_attention(qc, kc, vc);
  sum(ref).backward();
  expect_close(out, ref, 1e-2, "out");
  expect_close(qg.grad(), qc.grad(), 2e-2, "dq");
  expect_close(kg.grad(), kc.grad(), 2e-2, "dk");
  expect_close(vg.grad(), vc.grad(), 1e-2, "dv");
}

TEST_CASE("cuda attention: a KV cache on the device gives the full sequence's last rows") {
  TRIT_REQUIRE_GPU();
  const Tensor q = random({1, 2, 50, 32}, 21).to(Device::cuda()), k = random({1, 2, 50, 32}, 22).to(Device::cuda()),
               v = random({1, 2, 50, 32}, 23).to(Device::cuda());
  NoGradGuard no_grad;
  const Tensor full = causal_attention(q, k, v);
  const Tensor tail = causal_attention(q.narrow(2, 45, 5), k, v);
  expect_close(tail, full.narrow(2, 45, 5), 1e-6, "cached rows");
}

// The fused attention kernels executed on the CPU by the block emulator
// (support/cuda_emulator.h), against the composed CPU op: the kernels' own code (thread layout,
// shuffles, shared-memory tiles, barriers, causal tile skipping, bf16 conversions, wmma tile
// products with the device's alignment rules, the parameter plumbing of
// attention_forward/backward) runs here without a GPU. float32 goes through the SIMT kernels
// (attention_kernels.cuh), bf16 through the tensor-core ones (attention_tc_kernels.cuh), as
// the launchers choose.
// Tolerances as on the GPU (attention_test.cpp): float32 1e-5, bf16 1e-2, relative to the
// larger of the element and the tensor's largest magnitude.
#include "support/cuda_emulator.h"
// the emulator's built-ins and wmma must be in place before the kernels
namespace trit::cuda::attn {
namespace wmma = ::trit::test::emu::wmma;
}
#include "trit/backend/cuda/attention_tc_kernels.cuh"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "trit/core/rng.h"
#include "trit/ops/ops.h"

using namespace trit;
namespace attn = trit::cuda::attn;
namespace emu = trit::test::emu;

namespace {

struct Case {
  int64_t B, H, Hkv, T, S, D;
};

// As attention_forward.cu / attention_backward.cu launch them.
template <int DMAX>
void run_simt(const attn::Params& p, bool backward) {
  if (!backward) {
    const auto l = attn::forward_launch(p, DMAX);
    emu::launch(l.grid_x, l.grid_y, l.threads, [&] { attn::forward_kernel<float, DMAX>(p); });
    return;
  }
  if (p.T > 0) {
    const auto ld = attn::delta_launch(p);
    emu::launch(ld.grid_x, ld.grid_y, ld.threads, [&] { attn::delta_kernel<float>(p); });
    const auto lq = attn::dq_launch(p, DMAX);
    emu::launch(lq.grid_x, lq.grid_y, lq.threads, [&] { attn::dq_kernel<float, DMAX>(p); });
  }
  const auto lk = attn::dkdv_launch(p, DMAX);
  emu::launch(lk.grid_x, lk.grid_y, lk.threads, [&] { attn::dkdv_kernel<float, DMAX>(p); });
}

template <int DMAX>
void run_tc(const attn::Params& p, bool backward) {
  if (!backward) {
    const auto l = attn::forward_tc_launch(p);
    emu::launch(l.grid_x, l.grid_y, l.threads, [&] { attn::forward_tc_kernel<DMAX>(p); },
                size_t(attn::tc_forward_layout(DMAX).bytes));
    return;
  }
  if (p.T > 0) {
    const auto ld = attn::delta_launch(p);
    emu::launch(ld.grid_x, ld.grid_y, ld.threads, [&] { attn::delta_kernel<attn::bf16_t>(p); });
    const auto lq = attn::dq_tc_launch(p);
    emu::launch(lq.grid_x, lq.grid_y, lq.threads, [&] { attn::dq_tc_kernel<DMAX>(p); },
                size_t(attn::tc_dq_layout(DMAX).bytes));
  }
  const auto lk = attn::dkdv_tc_launch(p);
  emu::launch(lk.grid_x, lk.grid_y, lk.threads, [&] { attn::dkdv_tc_kernel<DMAX>(p); },
              size_t(attn::tc_dkdv_layout(DMAX).bytes));
}

void run(const attn::Params& p, DType dtype, bool backward) {
  const bool tc = dtype == DType::bf16;
  switch (attn::head_dim_bucket(p.d)) {
    case 32: return tc ? run_tc<32>(p, backward) : run_simt<32>(p, backward);
    case 64: return tc ? run_tc<64>(p, backward) : run_simt<64>(p, backward);
    default: return tc ? run_tc<128>(p, backward) : run_simt<128>(p, backward);
  }
}

cuda::HeadStrides head_strides(const Tensor& t) { return {t.strides()[0], t.strides()[1], t.strides()[2]}; }

void expect_close(const Tensor& got, const Tensor& want, double rtol, const char* what) {
  REQUIRE(got.shape() == want.shape());
  const auto a = got.to_vector<double>(), b = want.to_vector<double>();
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

// Same plan as the GPU test: the CPU op on dtype-rounded float32 values, the kernels on dtype
// tensors (strided: [B, T, H, D] memory seen through a transpose, as the model passes them).
void compare(const Case& c, DType dtype, double rtol, bool strided) {
  INFO("B " << c.B << " H " << c.H << " Hkv " << c.Hkv << " T " << c.T << " S " << c.S << " D " << c.D << " "
            << dtype_name(dtype) << (strided ? " strided" : ""));
  auto make = [&](int64_t heads, int64_t len, uint64_t seed) {
    return random({c.B, heads, len, c.D}, seed).to(dtype).to(DType::f32);
  };
  const Tensor q = make(c.H, c.T, 1), k = make(c.Hkv, c.S, 2), v = make(c.Hkv, c.S, 3), dout = make(c.H, c.T, 4);
  Tensor qc = q.clone().requires_grad_(), kc = k.clone().requires_grad_(), vc = v.clone().requires_grad_();
  Tensor ref = causal_attention(qc, kc, vc);
  ref.backward(dout);

  auto device_layout = [&](const Tensor& t) {
    return strided ? t.transpose(1, 2).contiguous().to(dtype).transpose(1, 2) : t.to(dtype).contiguous();
  };
  const Tensor qd = device_layout(q), kd = device_layout(k), vd = device_layout(v), dd = device_layout(dout);
  if (strided) REQUIRE_FALSE(qd.is_contiguous());
  cuda::AttentionShape shape;
  shape.B = c.B, shape.H = c.H, shape.Hkv = c.Hkv, shape.T = c.T, shape.S = c.S, shape.D = c.D;
  shape.scale = float(1.0 / std::sqrt(double(c.D)));
  shape.dtype = dtype;
  cuda::check_attention_shape(shape);
  const cuda::AttentionInputs in{qd.raw_data(), kd.raw_data(), vd.raw_data(), head_strides(qd), head_strides(kd),
                                 head_strides(vd)};
  Tensor o = Tensor::full(q.shape(), 7.0, dtype), lse = Tensor::full({c.B, c.H, c.T}, 7.0);
  attn::Params p = attn::make_params(shape, in);
  p.o = o.raw_data();
  p.o_st = head_strides(o);
  p.lse = lse.data<float>();
  run(p, dtype, false);
  expect_close(o.to(DType::f32), ref, rtol, "out");

  // Gradients start as garbage so an element a kernel forgets to write shows.
  Tensor dq = Tensor::full(q.shape(), 7.0, dtype), dk = Tensor::full(k.shape(), 7.0, dtype),
         dv = Tensor::full(v.shape(), 7.0, dtype), delta = Tensor::full({c.B, c.H, c.T}, 7.0);
  cuda::AttentionGrads gr;
  gr.o = o.raw_data();
  gr.o_st = head_strides(o);
  gr.dout = dd.raw_data();
  gr.dout_st = head_strides(dd);
  gr.lse = lse.data<float>();
  gr.delta = delta.data<float>();
  gr.dq = dq.raw_data();
  gr.dk = dk.raw_data();
  gr.dv = dv.raw_data();
  gr.dq_st = head_strides(dq);
  gr.dk_st = head_strides(dk);
  gr.dv_st = head_strides(dv);
  run(attn::backward_params(shape, in, gr), dtype, true);
  expect_close(dq.to(DType::f32), qc.grad(), rtol, "dq");
  expect_close(dk.to(DType::f32), kc.grad(), rtol, "dk");
  expect_close(dv.to(DType::f32), vc.grad(), rtol, "dv");
}

}  // namespace

TEST_CASE("emulated cuda attention: float32 kernels equal the CPU op (odd lengths, GQA, cache offset, padded dims)") {
  compare({1, 2, 1, 70, 70, 32}, DType::f32, 1e-5, false);   // two row blocks, three key tiles, GQA
  compare({2, 2, 2, 33, 40, 20}, DType::f32, 1e-5, true);    // cache offset 7, head dim padded to 32, strided
  compare({1, 2, 2, 65, 65, 48}, DType::f32, 1e-5, false);   // one row past a block, head dim padded to 64
  compare({1, 1, 1, 1, 1, 64}, DType::f32, 1e-5, false);     // one token
}

TEST_CASE("emulated cuda attention: the 128 head-dim kernels") {
  compare({1, 2, 1, 37, 37, 128}, DType::f32, 1e-5, false);
  compare({1, 2, 1, 17, 29, 96}, DType::bf16, 1e-2, true);
}

TEST_CASE("emulated cuda attention: bf16 tensor-core kernels equal the CPU op on the same values") {
  compare({1, 4, 2, 45, 45, 32}, DType::bf16, 1e-2, false);
  compare({1, 2, 2, 30, 150, 64}, DType::bf16, 1e-2, true);  // long cache: first_row_seeing skips tiles
  compare({2, 2, 1, 130, 130, 16}, DType::bf16, 1e-2, false);  // three row blocks, head dim padded to 32
}

TEST_CASE("emulated cuda attention: threads run in reverse order give the same results (no missing barrier)") {
  emu::reversed_order() = true;
  compare({1, 2, 1, 70, 75, 32}, DType::f32, 1e-5, false);
  compare({1, 2, 1, 70, 75, 48}, DType::bf16, 1e-2, false);
  emu::reversed_order() = false;
}

TEST_CASE("emulated cuda attention: the emulator reports a barrier some threads never reach") {
  CHECK_THROWS_WITH(emu::launch(1, 1, 64, [] {
                      if (threadIdx.x < 32) __syncthreads();
                    }),
                    Catch::Contains("deadlocked"));
}

// CUDA BitNet quantizers against the CPU: ternary weights with the absmean scale, per-token
// int8 activations, their scales, and the straight-through gradients.
#include "trit/backend/cuda/quant.h"

#include <catch2/catch.hpp>

#include "support/cuda.h"
#include "support/device_compare.h"

using namespace trit;
using In = std::vector<Tensor>;
using test::compare_with_cpu;
using test::random_f32;

TEST_CASE("cuda ternary weight quantizer and its scale") {
  TRIT_REQUIRE_GPU();
  const Tensor w = random_f32({383, 517}, 71, 0.02);
  compare_with_cpu([](const In& a) { return weight_quant_ternary(a[0]); }, {w});
  CHECK(ternary_weight_scale(w.to(Device::cuda(0))) == Approx(ternary_weight_scale(w)).epsilon(1e-6));
  // All zeros: the 1e-5 floor keeps the scale finite.
  compare_with_cpu([](const In& a) { return weight_quant_ternary(a[0]); }, {Tensor::zeros({3, 3})});
}

TEST_CASE("cuda int8 activation quantizer per token, scales, and STE gradient") {
  TRIT_REQUIRE_GPU();
  const Tensor x = random_f32({3, 41, 1030}, 72, 4.0);
  compare_with_cpu([](const In& a) { return act_quant_int8(a[0]); }, {x});
  compare_with_cpu([](const In& a) { return act_quant_int8(a[0].transpose(0, 1)); }, {x});
  compare_with_cpu([](const In& a) { return int8_act_scales(a[0]); }, {x}, test::kF32Rtol, test::kF32Atol, false);
}

#include <catch2/catch.hpp>

#include <cmath>

#include "support/check.h"
#include "trit/nn/bit_linear.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::nn;

namespace {

// W: mean|W| = 3/6 = 0.5, so sw = 2 and Wq = round(2W) clamped = [[0, -1, 1], [0, 0, 1]]
// (0.2 -> 0, 0.5 -> 0 by ties-to-even, -0.3 -> 0), dequantized Wq/2.
// x = (1, -0.4, 0.25): sx = 127, xq = (127, -51 (50.8), 32 (31.75)), dequantized /127.
// y = (0.5 * 51 + 0.5 * 32, 0.5 * 32) / 127 = (41.5, 16) / 127. (No value of x*sx sits near
// a rounding tie, so normalising x first, which changes float rounding, keeps these xq.)
const std::vector<float> kW = {0.1f, -0.5f, 1.5f, 0.25f, -0.15f, 0.5f};
const std::vector<float> kX = {1.0f, -0.4f, 0.25f};

}  // namespace

TEST_CASE("BitLinear forward matches the quantized product worked by hand") {
  Generator gen(1);
  BitLinear bl(BitLinearConfig{3, 2}, gen);
  CHECK(bl.named_parameters().size() == 1);  // no bias
  bl.load_state_dict({{"weight", Tensor::from_vector<float>(kW, {2, 3})}});
  const std::vector<float> y = bl.forward(Tensor::from_vector<float>(kX, {1, 3})).to_vector<float>();
  CHECK(y[0] == Approx(41.5 / 127).epsilon(1e-6));
  CHECK(y[1] == Approx(16.0 / 127).epsilon(1e-6));
}

TEST_CASE("BitLinear with its built-in RMSNorm divides by the input's rms") {
  // Per-token absmax quantization is scale invariant up to rounding, which is the same here,
  // so the normalised output is the plain one over rms(x) = sqrt((1 + 0.16 + 0.0625)/3 + eps).
  Generator gen(1);
  BitLinear bl(BitLinearConfig{3, 2, true}, gen);
  CHECK(bl.named_parameters().size() == 1);  // the paper's norm has no weight
  bl.load_state_dict({{"weight", Tensor::from_vector<float>(kW, {2, 3})}});
  const double rms = std::sqrt((1 + 0.16 + 0.0625) / 3 + 1e-5);
  std::vector<float> y = bl.forward(Tensor::from_vector<float>(kX, {1, 3})).to_vector<float>();
  CHECK(y[0] == Approx(41.5 / 127 / rms).epsilon(1e-6));
  CHECK(y[1] == Approx(16.0 / 127 / rms).epsilon(1e-6));

  BitLinear affine(BitLinearConfig{3, 2, true, true}, gen);
  REQUIRE(affine.named_parameters().size() == 2);
  CHECK(affine.named_parameters()[1].first == "norm.weight");
  affine.load_state_dict({{"weight", Tensor::from_vector<float>(kW, {2, 3})},
                          {"norm.weight", Tensor::full({3}, 2.0)}});
  y = affine.forward(Tensor::from_vector<float>(kX, {1, 3})).to_vector<float>();
  CHECK(y[0] == Approx(2 * 41.5 / 127 / rms).epsilon(1e-6));
  CHECK_THROWS_WITH(BitLinear(BitLinearConfig{3, 2, false, true}, gen), Catch::Contains("norm_affine"));
}

// The rounding makes the layer piecewise constant, so its gradient is the straight-through
// surrogate: the same as for y = n(x) @ Wq_deq^T with Wq_deq held fixed (dx, dnorm) and
// y = act_quant(n(x)) @ W^T with the quantized input held fixed (dW). The surrogate's own
// gradient is checked by finite differences.
TEST_CASE("BitLinear gradients follow the straight-through rule, through the input norm") {
  Generator gen(4);
  BitLinear bl(BitLinearConfig{6, 4, true, true, 1e-5, 0.5, DType::f64}, gen);
  {
    NoGradGuard no_grad;
    copy_(bl.norm->weight, Tensor::randn({6}, gen, DType::f64));
  }
  Tensor x = test::leaf({2, 3, 6}, 5);
  Tensor g = Tensor::randn({2, 3, 4}, gen, DType::f64);
  bl.forward(x).backward(g);

  const Tensor wq = weight_quant_ternary(bl.weight.detach());
  Tensor x2 = x.detach().clone(), nw2 = bl.norm->weight.detach().clone();
  x2.requires_grad_();
  nw2.requires_grad_();
  auto surrogate = [&](const std::vector<Tensor>& in) { return linear(rms_norm(in[0], in[1], 1e-5), wq); };
  surrogate({x2, nw2}).backward(g);
  test::check_close(x.grad(), x2.grad(), 1e-12, 1e-12);
  test::check_close(bl.norm->weight.grad(), nw2.grad(), 1e-12, 1e-12);
  CHECK_GRADIENTS(surrogate, {test::leaf({2, 3, 6}, 7), test::leaf({6}, 8)});

  const Tensor xq = act_quant_int8(rms_norm(x.detach(), bl.norm->weight.detach(), 1e-5));
  test::check_close(bl.weight.grad(), matmul(g.reshape({6, 4}).transpose(0, 1), xq.reshape({6, 6})), 1e-12, 1e-12);
}

#include <catch2/catch.hpp>

#include <cmath>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;

TEST_CASE("ternary weight quantization follows the absmean rule") {
  // mean |w| = 0.5 -> sw = 2; w*sw = {0.2, -1.0, 3.0, 1.0 (tie 0.5*2=1)...}
  Tensor w = Tensor::from_vector<float>({0.1f, -0.5f, 1.5f, 0.25f, -0.15f, 0.5f}, {2, 3});
  CHECK(ternary_weight_scale(w) == Approx(1.0 / 0.5));
  const auto q = weight_quant_ternary(w).to_vector<float>();
  CHECK(q == std::vector<float>{0.0f, -0.5f, 0.5f, 0.0f, 0.0f, 0.5f});  // 0.25*2 = 0.5 rounds to even: 0
  // all-zero weights use the 1e-5 floor instead of dividing by zero
  CHECK(weight_quant_ternary(Tensor::zeros({4})).to_vector<float>() == std::vector<float>(4, 0.0f));
}

TEST_CASE("int8 activation quantization is per token absmax") {
  Tensor x = Tensor::from_vector<float>({1.0f, -0.5f, 0.25f, 2.0f, 0.0f, -2.0f}, {2, 3});
  const auto q = act_quant_int8(x).to_vector<float>();
  // row 0: sx = 127; 0.5*127 = 63.5 rounds to even 64 -> 64/127
  CHECK(q[0] == 1.0f);
  CHECK(q[1] == -64.0f / 127.0f);
  CHECK(q[2] == 32.0f / 127.0f);  // 31.75 -> 32
  CHECK(q[3] == 2.0f);
  CHECK(q[5] == -2.0f);
  const auto s = int8_act_scales(x).to_vector<float>();
  CHECK(s[0] == 127.0f);
  CHECK(s[1] == 63.5f);
}

TEST_CASE("straight-through gradients follow the stated surrogate") {
  Tensor x = test::leaf({3, 8}, 111);
  Tensor w = test::leaf({4, 8}, 112);
  // the quantizers themselves pass gradients through unchanged
  sum(act_quant_int8(x) * 3.0).backward();
  test::check_close(x.grad(), Tensor::full({3, 8}, 3.0, DType::f64), 0, 0);
  x.zero_grad();
  // bitlinear: dX = g @ Wq_deq, dW = g^T @ Xq_deq
  Generator gen(4);
  Tensor g = Tensor::randn({3, 4}, gen, DType::f64);
  Tensor y = bitlinear(x, w);
  y.backward(g);
  test::check_close(x.grad(), matmul(g, weight_quant_ternary(w.detach())), 1e-12, 1e-12);
  test::check_close(w.grad(), matmul(g.transpose(0, 1), act_quant_int8(x.detach())), 1e-12, 1e-12);
  // and the forward equals the integer form (xq . Wq) / (sx sw) up to rounding
  const double sw = ternary_weight_scale(w);
  const Tensor sx = int8_act_scales(x);
  Tensor xq = act_quant_int8(x.detach()) * sx;
  Tensor wq = weight_quant_ternary(w.detach()) * sw;
  test::check_close(y.detach(), matmul(xq, wq.transpose(0, 1)) / (sx * sw), 1e-12, 1e-12);
}

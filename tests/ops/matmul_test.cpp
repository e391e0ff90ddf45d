#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

TEST_CASE("matmul values, transposed views and batch broadcasting") {
  Tensor a = Tensor::arange(6, DType::f32).reshape({2, 3});
  Tensor b = Tensor::arange(6, DType::f32).reshape({3, 2});
  CHECK(matmul(a, b).to_vector<float>() == std::vector<float>{10, 13, 28, 40});
  CHECK(matmul(b.transpose(0, 1), a.transpose(0, 1)).to_vector<float>() == std::vector<float>{10, 28, 13, 40});
  Tensor batch = Tensor::arange(12, DType::f32).reshape({2, 2, 3});
  CHECK(matmul(batch, b).shape() == Shape{2, 2, 2});
  CHECK_THROWS_WITH(matmul(a, a), Catch::Contains("inner dims differ"));
}

TEST_CASE("matmul and linear gradients") {
  Tensor a = test::leaf({2, 3, 4}, 61), b = test::leaf({4, 5}, 62);
  Tensor ta = test::transposed_leaf(3, 4, 63), tb = test::transposed_leaf(4, 2, 64);
  Tensor bb = test::leaf({2, 1, 4, 3}, 65);
  CHECK_GRADIENTS([](const In& x) { return matmul(x[0], x[1]); }, {a, b});
  CHECK_GRADIENTS([](const In& x) { return matmul(x[0], x[1]); }, {ta, tb});
  CHECK_GRADIENTS([](const In& x) { return matmul(x[0], x[1]); }, {a, bb});  // batch broadcast
  Tensor x = test::leaf({2, 3, 4}, 66), w = test::leaf({5, 4}, 67), bias = test::leaf({5}, 68);
  CHECK_GRADIENTS([](const In& v) { return linear(v[0], v[1], v[2]); }, {x, w, bias});
}

TEST_CASE("matmul of bf16 and f16 on the CPU: float32 products of the 16-bit values, rounded once") {
  Generator g(31);
  const Tensor a = Tensor::randn({3, 4, 5}, g).to(DType::bf16), b = Tensor::randn({5, 2}, g).to(DType::bf16);
  const Tensor c = matmul(a, b);
  REQUIRE(c.dtype() == DType::bf16);
  const Tensor want = matmul(a.to(DType::f32), b.to(DType::f32)).to(DType::bf16);
  CHECK(c.to_vector<float>() == want.to_vector<float>());
  const Tensor h = matmul(a.to(DType::f16), b.to(DType::f16).transpose(0, 1).contiguous().transpose(0, 1));
  REQUIRE(h.dtype() == DType::f16);
  CHECK(h.to_vector<float>() == matmul(a.to(DType::f16).to(DType::f32), b.to(DType::f16).to(DType::f32)).to(DType::f16).to_vector<float>());
  // Gradients in the 16-bit type reach 16-bit leaves.
  Tensor al = a.detach().clone().requires_grad_();
  sum(matmul(al, b).to(DType::f32)).backward();
  REQUIRE(al.grad().dtype() == DType::bf16);
}

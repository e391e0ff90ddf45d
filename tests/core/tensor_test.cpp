#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/core/parallel.h"
#include "trit/core/rng.h"
#include "trit/core/tensor.h"
#include "trit/ops/ops.h"

using namespace trit;

TEST_CASE("tensor factories, shape and contiguous strides") {
  Tensor t = Tensor::zeros({2, 3, 4});
  CHECK(t.shape() == Shape{2, 3, 4});
  CHECK(t.strides() == Strides{12, 4, 1});
  CHECK(t.numel() == 24);
  CHECK(t.is_contiguous());
  CHECK(t.dtype() == DType::f32);
  CHECK(t.device().is_cpu());
  CHECK(reinterpret_cast<uintptr_t>(t.raw_data()) % 64 == 0);
  CHECK(Tensor::full({2}, 3.5).to_vector<float>() == std::vector<float>{3.5f, 3.5f});
  CHECK(Tensor::arange(4).to_vector<int32_t>() == std::vector<int32_t>{0, 1, 2, 3});
}

TEST_CASE("views share storage and never copy") {
  Tensor t = Tensor::arange(24, DType::f32).reshape({2, 3, 4});
  Tensor p = t.permute({2, 0, 1});
  CHECK(p.shape() == Shape{4, 2, 3});
  CHECK(p.storage() == t.storage());
  CHECK_FALSE(p.is_contiguous());
  Tensor n = t.narrow(2, 1, 2);
  CHECK(n.storage() == t.storage());
  CHECK(n.to_vector<float>() == std::vector<float>{1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22});
  Tensor e = Tensor::arange(3, DType::f32).reshape({3, 1}).expand({3, 2});
  CHECK(e.strides()[1] == 0);
  CHECK(e.to_vector<float>() == std::vector<float>{0, 0, 1, 1, 2, 2});
  Tensor c = p.contiguous();
  CHECK(c.is_contiguous());
  CHECK(c.storage() != t.storage());
  CHECK(c.to_vector<float>() == p.to_vector<float>());
  // a transposed tensor cannot be viewed flat, but can be reshaped (with a copy)
  Tensor tt = Tensor::arange(6, DType::f32).reshape({2, 3}).transpose(0, 1);
  CHECK_THROWS_WITH(tt.view({6}), Catch::Contains("without a copy"));
  CHECK(tt.reshape({6}).to_vector<float>() == std::vector<float>{0, 3, 1, 4, 2, 5});
  // a view of a narrowed tensor keeps its strides where it can
  Tensor v = Tensor::arange(24, DType::f32).reshape({4, 6}).narrow(1, 0, 4).view({4, 2, 2});
  CHECK(v.to_vector<float>()[4] == 6.0f);
}

TEST_CASE("cat, stack, index_select and gather") {
  Tensor a = Tensor::arange(4, DType::f32).reshape({2, 2});
  Tensor b = Tensor::full({2, 1}, 9);
  CHECK(cat({a, b}, 1).to_vector<float>() == std::vector<float>{0, 1, 9, 2, 3, 9});
  CHECK(stack({a, a}, 0).shape() == Shape{2, 2, 2});
  Tensor idx = Tensor::from_vector<int32_t>({1, 0, 1}, {3});
  CHECK(index_select(a, 0, idx).to_vector<float>() == std::vector<float>{2, 3, 0, 1, 2, 3});
  Tensor gi = Tensor::from_vector<int32_t>({1, 1, 0, 1}, {2, 2});
  CHECK(gather(a, 1, gi).to_vector<float>() == std::vector<float>{1, 1, 2, 3});
  CHECK_THROWS_WITH(index_select(a, 0, Tensor::from_vector<int32_t>({2}, {1})), Catch::Contains("index 2"));
}

TEST_CASE("dtype conversion rounds to nearest even for bf16 and f16") {
  // 1 + 2^-8 is halfway between two bf16 values: ties to even gives 1.0
  Tensor x = Tensor::from_vector<float>({1.0f + 0x1p-8f, 1.0f + 3 * 0x1p-8f, 65520.0f, 1e-8f}, {4});
  const auto b = x.to(DType::bf16).to(DType::f32).to_vector<float>();
  CHECK(b[0] == 1.0f);
  CHECK(b[1] == 1.0f + 4 * 0x1p-8f);
  const auto h = x.to(DType::f16).to(DType::f32).to_vector<float>();
  CHECK(h[0] == 1.0f + 0x1p-8f);  // representable in f16
  CHECK(std::isinf(h[2]));       // 65520 rounds up to inf
  CHECK(h[3] == 0.0f);           // below half the smallest subnormal
  CHECK(Tensor::from_vector<float>({2.7f, -2.7f}, {2}).to(DType::i32).to_vector<int32_t>() == std::vector<int32_t>{2, -2});
}

TEST_CASE("random numbers are deterministic whatever the thread count") {
  Generator g1(42), g2(42);
  const auto a = Tensor::randn({1000}, g1).to_vector<float>();
  set_num_threads(1);
  const auto b = Tensor::randn({1000}, g2).to_vector<float>();
  set_num_threads(2);
  CHECK(a == b);
  CHECK(g1.offset() == g2.offset());
  // statistics of a large draw
  Generator g3(7);
  const auto v = Tensor::randn({200000}, g3, DType::f64).to_vector<double>();
  double m = 0, s = 0;
  for (double x : v) m += x;
  m /= double(v.size());
  for (double x : v) s += (x - m) * (x - m);
  s = std::sqrt(s / double(v.size()));
  CHECK(std::abs(m) < 0.01);
  CHECK(std::abs(s - 1.0) < 0.01);
  // resuming from a saved (seed, offset) continues the stream
  Generator g4(42);
  Tensor::randn({10}, g4);
  Generator g5(g4.seed(), g4.offset());
  CHECK(Tensor::randn({5}, g4).to_vector<float>() == Tensor::randn({5}, g5).to_vector<float>());
}

TEST_CASE("printing shows values, shape and dtype") {
  Tensor t = Tensor::arange(4, DType::f32).reshape({2, 2});
  const std::string s = to_string(t);
  CHECK(s.find("[[0, 1],") != std::string::npos);
  CHECK(s.find("shape=[2, 2], dtype=f32") != std::string::npos);
  CHECK(to_string(Tensor::arange(100, DType::i32)).find("...") != std::string::npos);
}

TEST_CASE("typed access checks the dtype; cuda needs the backend") {
  Tensor t = Tensor::zeros({2});
  CHECK_THROWS_WITH(t.data<double>(), Catch::Contains("accessed as f64"));
#ifndef TRIT_HAVE_CUDA
  CHECK_THROWS_WITH(Tensor::zeros({2}, DType::f32, Device::cuda()), Catch::Contains("no CUDA backend"));
#endif
}

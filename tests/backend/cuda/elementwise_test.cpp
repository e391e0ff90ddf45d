// CUDA elementwise kernels against the CPU: binary ops with broadcasting and strided inputs,
// every unary op, in-place updates, bf16 storage, and the device-mismatch error.
#include "trit/backend/cuda/elementwise.h"

#include <catch2/catch.hpp>

#include "support/cuda.h"
#include "support/device_compare.h"

using namespace trit;
using In = std::vector<Tensor>;
using test::compare_with_cpu;
using test::random_f32;

TEST_CASE("cuda binary ops: broadcasting, odd shapes, forward and backward") {
  TRIT_REQUIRE_GPU();
  const Tensor a = random_f32({3, 1, 257}, 1), b = random_f32({5, 1}, 2), c = random_f32({3, 5, 257}, 3);
  compare_with_cpu([](const In& x) { return x[0] + x[1]; }, {a, b});
  compare_with_cpu([](const In& x) { return x[0] - x[1]; }, {a, c});
  compare_with_cpu([](const In& x) { return x[0] * x[1]; }, {c, b});
  compare_with_cpu([](const In& x) { return x[0] / (abs(x[1]) + 0.5); }, {a, b});
  const Tensor pos = abs(random_f32({7, 33}, 4)) + 0.1;
  compare_with_cpu([](const In& x) { return pow(x[0], x[1]); }, {pos, random_f32({33}, 5)});
  compare_with_cpu([](const In& x) { return x[0] * 3.0 - 1.5; }, {random_f32({1000003}, 6)});
}

TEST_CASE("cuda binary ops on strided views (transposed, narrowed, expanded)") {
  TRIT_REQUIRE_GPU();
  const Tensor a = random_f32({65, 130}, 7), b = random_f32({130, 65}, 8);
  compare_with_cpu([](const In& x) { return x[0] + x[1].transpose(0, 1); }, {a, b});
  compare_with_cpu([](const In& x) { return x[0].narrow(1, 3, 97) * x[1].transpose(0, 1).narrow(1, 5, 97); }, {a, b});
  compare_with_cpu([](const In& x) { return x[0].narrow(0, 1, 1).expand({9, 130}) - x[0].narrow(0, 10, 9); }, {a});
}

TEST_CASE("cuda unary ops: every op, forward and backward, contiguous and strided") {
  TRIT_REQUIRE_GPU();
  const Tensor x = random_f32({37, 129}, 9);
  const Tensor pos = abs(random_f32({37, 129}, 10)) + 0.05;
  const std::vector<std::function<Tensor(const Tensor&)>> on_any = {
      [](const Tensor& t) { return neg(t); },        [](const Tensor& t) { return exp(t); },
      [](const Tensor& t) { return abs(t); },        [](const Tensor& t) { return tanh(t); },
      [](const Tensor& t) { return sigmoid(t); },    [](const Tensor& t) { return relu(t); },
      [](const Tensor& t) { return relu2(t); },      [](const Tensor& t) { return silu(t); },
      [](const Tensor& t) { return gelu(t); },       [](const Tensor& t) { return clamp(t, -0.5, 0.7); },
      [](const Tensor& t) { return pow(t, 2.0); },   [](const Tensor& t) { return pow(t, 0.0); }};
  for (size_t k = 0; k < on_any.size(); ++k) {
    INFO("op " << k);
    compare_with_cpu([&](const In& in) { return on_any[k](in[0]); }, {x});
    compare_with_cpu([&](const In& in) { return on_any[k](in[0].transpose(0, 1)); }, {x});
  }
  const std::vector<std::function<Tensor(const Tensor&)>> on_positive = {
      [](const Tensor& t) { return log(t); }, [](const Tensor& t) { return sqrt(t); },
      [](const Tensor& t) { return rsqrt(t); }, [](const Tensor& t) { return pow(t, 1.7); }};
  for (size_t k = 0; k < on_positive.size(); ++k) {
    INFO("positive op " << k);
    compare_with_cpu([&](const In& in) { return on_positive[k](in[0].transpose(0, 1)); }, {pos});
  }
}

TEST_CASE("cuda in-place updates: add_ with broadcast, mul_, fill_, copy_ on strided views") {
  TRIT_REQUIRE_GPU();
  const Device gpu = Device::cuda(0);
  Tensor a_cpu = random_f32({17, 300}, 11), b_cpu = random_f32({300}, 12);
  Tensor a_gpu = a_cpu.to(gpu), b_gpu = b_cpu.to(gpu);
  add_(a_cpu, b_cpu, -0.25);
  add_(a_gpu, b_gpu, -0.25);
  test::require_close(a_gpu, a_cpu, test::kF32Rtol, test::kF32Atol, "add_");
  Tensor ta_cpu = a_cpu.transpose(0, 1), ta_gpu = a_gpu.transpose(0, 1);
  mul_(ta_cpu, 1.5);
  mul_(ta_gpu, 1.5);
  test::require_close(a_gpu, a_cpu, test::kF32Rtol, test::kF32Atol, "mul_ on a transposed view");
  Tensor col_cpu = a_cpu.narrow(1, 7, 1), col_gpu = a_gpu.narrow(1, 7, 1);
  fill_(col_cpu, 2.5);
  fill_(col_gpu, 2.5);
  test::require_close(a_gpu, a_cpu, test::kF32Rtol, test::kF32Atol, "fill_ of a column");
  Tensor dst_gpu = Tensor::zeros({300, 17}, DType::f32, gpu);
  copy_(dst_gpu, a_cpu.transpose(0, 1));  // from the CPU into a CUDA tensor
  test::require_close(dst_gpu, a_cpu.transpose(0, 1), 0, 0, "copy_ across devices");
}

TEST_CASE("cuda elementwise on bf16 storage: computed in f32, rounded once") {
  TRIT_REQUIRE_GPU();
  const Device gpu = Device::cuda(0);
  const Tensor a = random_f32({9, 515}, 13), b = random_f32({515}, 14);
  const Tensor a16 = a.to(DType::bf16), b16 = b.to(DType::bf16);
  // Reference: the CPU on the bf16 values widened to f32, rounded to bf16 at the end.
  const Tensor want = (a16.to(DType::f32) * b16.to(DType::f32)).to(DType::bf16);
  const Tensor got = a16.to(gpu) * b16.to(gpu);
  CHECK(got.dtype() == DType::bf16);
  test::require_close(got, want, test::kBf16Rtol, test::kBf16Atol, "bf16 mul");
  const Tensor want_silu = silu(a16.to(DType::f32)).to(DType::bf16);
  test::require_close(silu(a16.to(gpu)), want_silu, test::kBf16Rtol, test::kBf16Atol, "bf16 silu");
}

TEST_CASE("cuda ops given tensors on two devices name both") {
  TRIT_REQUIRE_GPU();
  const Tensor a = random_f32({4}, 15), b = a.to(Device::cuda(0));
  CHECK_THROWS_WITH(a + b, Catch::Contains("add") && Catch::Contains("cpu") && Catch::Contains("cuda:0"));
  CHECK_THROWS_WITH(b * a, Catch::Contains("mul") && Catch::Contains("cuda:0") && Catch::Contains("cpu"));
}

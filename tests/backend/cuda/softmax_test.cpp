// CUDA softmax, log-softmax and fused cross-entropy against the CPU, forward and backward.
#include "trit/backend/cuda/softmax.h"

#include <catch2/catch.hpp>

#include "support/cuda.h"
#include "support/device_compare.h"

using namespace trit;
using In = std::vector<Tensor>;
using test::compare_with_cpu;
using test::random_f32;

TEST_CASE("cuda softmax and log-softmax on the last and other dims") {
  TRIT_REQUIRE_GPU();
  const Tensor x = random_f32({3, 17, 1031}, 31, 3.0);
  compare_with_cpu([](const In& a) { return softmax(a[0], -1); }, {x});
  compare_with_cpu([](const In& a) { return softmax(a[0], 1); }, {x});
  compare_with_cpu([](const In& a) { return log_softmax(a[0], -1); }, {x});
  compare_with_cpu([](const In& a) { return log_softmax(a[0], 0); }, {x});
  compare_with_cpu([](const In& a) { return softmax(a[0], -1); }, {random_f32({70000, 5}, 32)});
}

TEST_CASE("cuda cross-entropy: ignore_index, long rows, gradient scaled by the upstream value") {
  TRIT_REQUIRE_GPU();
  const int64_t N = 37, V = 50257;
  const Tensor logits = random_f32({N, V}, 33, 2.0);
  std::vector<int32_t> t(static_cast<size_t>(N));
  for (int64_t i = 0; i < N; ++i) t[size_t(i)] = int32_t((i * 7919) % V);
  t[3] = t[20] = -100;
  const Tensor targets = Tensor::from_vector<int32_t>(t, {N});
  compare_with_cpu([](const In& a) { return cross_entropy(a[0], a[1]); }, {logits, targets});
  // Every row ignored: loss 0 and zero gradient, as on the CPU.
  const Tensor none = Tensor::full({N}, -100, DType::i32);
  compare_with_cpu([](const In& a) { return cross_entropy(a[0], a[1]); }, {logits, none});
}

TEST_CASE("cuda cross-entropy rejects out-of-range targets and mixed devices") {
  TRIT_REQUIRE_GPU();
  const Device gpu = Device::cuda(0);
  const Tensor logits = random_f32({2, 5}, 34).to(gpu);
  CHECK_THROWS_WITH(cross_entropy(logits, Tensor::from_vector<int32_t>({1, 5}, {2}).to(gpu)), Catch::Contains("target 5"));
  CHECK_THROWS_WITH(cross_entropy(logits, Tensor::from_vector<int32_t>({1, 2}, {2})),
                    Catch::Contains("cuda:0") && Catch::Contains("cpu"));
}

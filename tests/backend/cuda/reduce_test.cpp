// CUDA reductions against the CPU: sum/mean/amax over any dims, max with indices, forward
// and backward, rows shorter and longer than a block.
#include "trit/backend/cuda/reduce.h"

#include <catch2/catch.hpp>

#include "support/cuda.h"
#include "support/device_compare.h"

using namespace trit;
using In = std::vector<Tensor>;
using test::compare_with_cpu;
using test::random_f32;

TEST_CASE("cuda sum and mean over dims, keepdim, strided input") {
  TRIT_REQUIRE_GPU();
  const Tensor x = random_f32({5, 7, 300}, 21);
  compare_with_cpu([](const In& a) { return sum(a[0]); }, {x});
  compare_with_cpu([](const In& a) { return sum(a[0], {-1}); }, {x});
  compare_with_cpu([](const In& a) { return sum(a[0], {0, 2}, true); }, {x});
  compare_with_cpu([](const In& a) { return mean(a[0], {1}); }, {x});
  compare_with_cpu([](const In& a) { return mean(a[0].transpose(0, 2), {0}); }, {x});
}

TEST_CASE("cuda reductions of few long rows (chunked): sum, mean, amax of a whole tensor or a column") {
  TRIT_REQUIRE_GPU();
  const Tensor long_cols = random_f32({100003, 3}, 22);
  compare_with_cpu([](const In& a) { return sum(a[0], {0}); }, {long_cols});
  compare_with_cpu([](const In& a) { return mean(a[0], {0}, true); }, {long_cols});
  compare_with_cpu([](const In& a) { return amax(a[0], {0}); }, {long_cols});
  compare_with_cpu([](const In& a) { return sum(a[0] * a[0]); }, {random_f32({3 * 1048576 + 7}, 24)});
  compare_with_cpu([](const In& a) { return amax(a[0]); }, {random_f32({16384 * 2 + 1}, 25)});
}

TEST_CASE("cuda amax and max along a dim, with ties") {
  TRIT_REQUIRE_GPU();
  const Tensor x = random_f32({6, 33, 515}, 23);
  compare_with_cpu([](const In& a) { return amax(a[0], {2}); }, {x});
  compare_with_cpu([](const In& a) { return amax(a[0], {0, 1}, true); }, {x});
  compare_with_cpu([](const In& a) { return max(a[0], 1).first; }, {x});
  compare_with_cpu([](const In& a) { return max(a[0].transpose(1, 2), -1, true).first; }, {x});
  // Ties: the CPU's first maximum wins and amax shares the gradient.
  const Tensor ties = Tensor::from_vector<float>({1, 3, 3, 2, -1, -1, -1, -1}, {2, 4});
  compare_with_cpu([](const In& a) { return amax(a[0], {1}); }, {ties});
  const auto [v, idx] = max(ties.to(Device::cuda(0)), 1);
  CHECK(idx.to_vector<int32_t>() == std::vector<int32_t>{1, 0});
  CHECK(v.to_vector<float>() == std::vector<float>{3, -1});
}

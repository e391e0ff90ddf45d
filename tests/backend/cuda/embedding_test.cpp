// CUDA embedding, index_select and gather against the CPU: the gathers forward and the
// scatter-add backwards with repeated ids.
#include "trit/backend/cuda/embedding.h"

#include <catch2/catch.hpp>

#include "support/cuda.h"
#include "support/device_compare.h"

using namespace trit;
using In = std::vector<Tensor>;
using test::compare_with_cpu;
using test::random_f32;

TEST_CASE("cuda embedding forward and scatter-add backward with repeated ids") {
  TRIT_REQUIRE_GPU();
  const int64_t V = 1001, D = 67;
  std::vector<int32_t> ids;
  for (int i = 0; i < 4 * 129; ++i) ids.push_back(int32_t((i * 37) % 50));  // many repeats
  const Tensor id = Tensor::from_vector<int32_t>(ids, {4, 129});
  compare_with_cpu([](const In& a) { return embedding(a[0], a[1]); }, {random_f32({V, D}, 61), id});
}

TEST_CASE("cuda index_select on a middle dim, and out-of-range ids are an error") {
  TRIT_REQUIRE_GPU();
  const Tensor index = Tensor::from_vector<int32_t>({4, 0, 4, 2}, {4});
  compare_with_cpu([](const In& a) { return index_select(a[0], 1, a[1]); }, {random_f32({3, 5, 33}, 62), index});
  const Device gpu = Device::cuda(0);
  const Tensor w = random_f32({10, 4}, 63).to(gpu);
  CHECK_THROWS_WITH(embedding(w, Tensor::from_vector<int32_t>({3, 10}, {2}).to(gpu)), Catch::Contains("index 10"));
  CHECK_THROWS_WITH(embedding(w, Tensor::from_vector<int32_t>({3}, {1})), Catch::Contains("cpu"));
}

TEST_CASE("cuda gather along a dim, forward and backward with repeated indices") {
  TRIT_REQUIRE_GPU();
  std::vector<int32_t> idx;
  for (int i = 0; i < 7 * 9; ++i) idx.push_back(int32_t((i * 5) % 11));
  const Tensor index = Tensor::from_vector(idx, {7, 9});
  compare_with_cpu([](const In& a) { return gather(a[0], 1, a[1]); }, {random_f32({7, 11}, 64), index});
  compare_with_cpu([](const In& a) { return gather(a[0].transpose(0, 1), 0, a[1]); },
                   {random_f32({9, 11}, 65), Tensor::from_vector(std::vector<int32_t>(9 * 3, 10), {11, 3}).narrow(0, 0, 9)});
}

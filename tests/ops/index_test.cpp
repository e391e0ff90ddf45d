#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

TEST_CASE("embedding lookup and scatter-add backward") {
  Tensor w = test::leaf({5, 3}, 51);
  Tensor ids = Tensor::from_vector<int32_t>({1, 4, 1, 0}, {2, 2});
  Tensor y = embedding(w, ids);
  CHECK(y.shape() == Shape{2, 2, 3});
  CHECK_GRADIENTS([ids](const In& x) { return embedding(x[0], ids); }, {w});
  // repeated ids accumulate
  w.zero_grad();
  sum(embedding(w, ids)).backward();
  CHECK(w.grad().to_vector<double>()[3] == 2.0);
  CHECK_THROWS_WITH(embedding(w, Tensor::from_vector<int32_t>({5}, {1})), Catch::Contains("index 5"));
}

TEST_CASE("index_select and gather gradients") {
  Tensor x = test::leaf({3, 4}, 52);
  Tensor idx = Tensor::from_vector<int32_t>({2, 0, 2}, {3});
  Tensor gi = Tensor::from_vector<int32_t>({3, 3, 0, 1, 2, 2}, {3, 2});
  CHECK_GRADIENTS([idx](const In& a) { return index_select(a[0], 1, idx); }, {x});
  CHECK_GRADIENTS([idx](const In& a) { return index_select(a[0], 0, idx); }, {x});
  CHECK_GRADIENTS([gi](const In& a) { return gather(a[0], 1, gi); }, {x});
}

#include <catch2/catch.hpp>

#include <cmath>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using In = std::vector<Tensor>;

TEST_CASE("causal attention gradients with grouped-query heads") {
  Tensor q = test::leaf({1, 4, 3, 2}, 101), k = test::leaf({1, 2, 3, 2}, 102), v = test::leaf({1, 2, 3, 2}, 103);
  CHECK_GRADIENTS([](const In& a) { return causal_attention(a[0], a[1], a[2]); }, {q, k, v});
}

TEST_CASE("attention is causal and a KV cache gives the same outputs") {
  Generator g(5);
  Tensor q = Tensor::randn({2, 4, 6, 8}, g, DType::f64), k = Tensor::randn({2, 2, 6, 8}, g, DType::f64);
  Tensor v = Tensor::randn({2, 2, 6, 8}, g, DType::f64);
  Tensor full = causal_attention(q, k, v);
  // last two queries against all six keys (as with a cache of four earlier tokens)
  test::check_close(causal_attention(q.narrow(2, 4, 2), k, v), full.narrow(2, 4, 2), 1e-12, 1e-12);
  // changing a later key never changes earlier outputs
  Tensor k2 = k.clone();
  k2.data<double>()[5 * 8] += 10.0;  // batch 0, head 0, position 5
  test::check_close(causal_attention(q, k2, v).narrow(2, 0, 5), full.narrow(2, 0, 5), 0, 0);
  // the first query attends only to itself
  test::check_close(full.narrow(2, 0, 1).narrow(1, 0, 2), v.narrow(2, 0, 1).narrow(1, 0, 1).expand({2, 2, 1, 8}), 1e-12, 1e-12);
}

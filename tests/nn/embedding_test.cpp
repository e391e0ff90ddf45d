#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/nn/embedding.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::nn;
using In = std::vector<Tensor>;

TEST_CASE("Embedding picks rows by id") {
  Generator gen(1);
  Embedding emb(EmbeddingConfig{3, 2}, gen);
  emb.load_state_dict({{"weight", Tensor::from_vector<float>({0, 1, 10, 11, 20, 21}, {3, 2})}});
  Tensor ids = Tensor::from_vector<int32_t>({2, 0, 2, 1}, {2, 2});
  Tensor y = emb.forward(ids);
  CHECK(y.shape() == Shape{2, 2, 2});
  CHECK(y.to_vector<float>() == std::vector<float>{20, 21, 0, 1, 20, 21, 10, 11});
  CHECK_THROWS_WITH(emb.forward(Tensor::zeros({2})), Catch::Contains("i32"));
}

TEST_CASE("Embedding gradient sums over repeated ids and agrees with finite differences") {
  Generator gen(2);
  Embedding emb(EmbeddingConfig{4, 3, 1.0, DType::f64}, gen);
  Tensor ids = Tensor::from_vector<int32_t>({1, 3, 1, 1}, {4});
  sum(emb.forward(ids)).backward();
  const std::vector<double> g = emb.weight.grad().to_vector<double>();
  CHECK(g == std::vector<double>{0, 0, 0, 3, 3, 3, 0, 0, 0, 1, 1, 1});
  emb.zero_grad();
  CHECK_GRADIENTS([&](const In&) { return emb.forward(ids); }, {emb.weight});
}

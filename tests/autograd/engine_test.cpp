#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/autograd/node.h"
#include "trit/ops/ops.h"

using namespace trit;

TEST_CASE("backward accumulates through shared subexpressions") {
  Tensor x = Tensor::from_vector<double>({2.0}, {1}).requires_grad_();
  Tensor y = x * x + x * 3.0;  // dy/dx = 2x + 3 = 7
  sum(y).backward();
  CHECK(x.grad().item() == Approx(7.0));
  // a second graph accumulates into .grad
  sum(x * 2.0).backward();
  CHECK(x.grad().item() == Approx(9.0));
  x.zero_grad();
  CHECK_FALSE(x.grad().defined());
}

TEST_CASE("leaves, detach and NoGradGuard") {
  Tensor x = test::leaf({3}, 1);
  CHECK(x.is_leaf());
  Tensor y = exp(x);
  CHECK(y.requires_grad());
  CHECK_FALSE(y.is_leaf());
  CHECK_FALSE(y.detach().requires_grad());
  CHECK(y.detach().storage() == y.storage());
  {
    NoGradGuard guard;
    CHECK_FALSE(exp(x).requires_grad());
  }
  CHECK(GradMode::enabled());
  CHECK_THROWS_WITH(y.requires_grad_(), Catch::Contains("only leaf tensors"));
}

TEST_CASE("misuse gives clear errors") {
  Tensor x = test::leaf({3}, 2);
  Tensor y = x * 2.0;
  CHECK_THROWS_WITH(y.backward(), Catch::Contains("needs a seed gradient"));
  y.backward(Tensor::ones({3}, DType::f64));
  // the graph was freed by the first backward
  CHECK_THROWS_WITH(y.backward(Tensor::ones({3}, DType::f64)), Catch::Contains("second time"));
  CHECK_THROWS_WITH(Tensor::zeros({1}).backward(), Catch::Contains("does not require grad"));

  // in-place change of a tensor saved for backward
  Tensor a = test::leaf({3}, 3);
  Tensor b = Tensor::ones({3}, DType::f64);
  Tensor c = a * b;  // saves b
  add_(b, Tensor::ones({3}, DType::f64));
  CHECK_THROWS_WITH(sum(c).backward(), Catch::Contains("modified in place"));
  // in-place change of a tensor that requires grad, while recording
  CHECK_THROWS_WITH(add_(a, b), Catch::Contains("requires grad"));
  {
    NoGradGuard guard;
    CHECK_NOTHROW(add_(a, b));
  }
}

// A leaf takes a fresh gradient as its .grad without a copy when nothing else holds it; a
// gradient shared with another leaf (add hands both inputs the same tensor) or a view into a
// larger buffer (cat hands each input a slice of one) must be copied, or an in-place update of
// one .grad would change another.
TEST_CASE("leaf gradients own their storage") {
  Tensor a = test::leaf({3}, 6);
  Tensor b = test::leaf({3}, 7);
  sum(a + b).backward();
  CHECK(a.grad().storage() != b.grad().storage());
  CHECK(a.grad().storage().use_count() == 1);

  Tensor c = test::leaf({2}, 8);
  Tensor d = test::leaf({4}, 9);
  sum(cat({c, d}, 0) * 2.0).backward();
  CHECK(c.grad().storage() != d.grad().storage());
  CHECK(c.grad().storage().use_count() == 1);
  CHECK(c.grad().nbytes() == c.grad().storage()->nbytes());
  {
    NoGradGuard guard;
    Tensor cg = c.grad();
    add_(cg, Tensor::ones({2}, DType::f64));
  }
  CHECK(d.grad().to_vector<double>() == std::vector<double>{2, 2, 2, 2});

  // A weight's dW from its matmul is fresh: taken as it is, and a second backward adds to it.
  Tensor x = test::leaf({4, 2}, 10).detach();
  Tensor w = test::leaf({2, 3}, 11);
  sum(matmul(x, w)).backward();
  const std::vector<double> once = w.grad().to_vector<double>();
  sum(matmul(x, w)).backward();
  const std::vector<double> twice = w.grad().to_vector<double>();
  for (size_t i = 0; i < once.size(); ++i) CHECK(twice[i] == Approx(2 * once[i]));
}

TEST_CASE("backward frees saved tensors") {
  Tensor x = test::leaf({1000}, 4);
  Tensor big = exp(x);
  std::weak_ptr<Storage> saved = big.storage();
  Tensor y = sum(big * 2.0);
  big = Tensor();
  CHECK_FALSE(saved.expired());  // kept alive by the graph (exp saves its output)
  y.backward();
  CHECK(saved.expired());
}

TEST_CASE("deep graphs do not overflow the stack") {
  Tensor x = test::leaf({1}, 5);
  Tensor y = x;
  for (int i = 0; i < 20000; ++i) y = y + 1.0;
  y.backward();
  CHECK(x.grad().item() == 1.0);
}

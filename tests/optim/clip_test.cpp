#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "trit/core/parallel.h"
#include "trit/optim/clip.h"

using namespace trit;
using namespace trit::optim;

namespace {

Tensor with_grad(std::vector<float> g) {
  Tensor t = Tensor::zeros({int64_t(g.size())});
  t.requires_grad_(true);
  t.set_grad(Tensor::from_vector<float>(g, {int64_t(g.size())}));
  return t;
}

}  // namespace

TEST_CASE("global norm spans all gradients and clipping scales them to max_norm") {
  Tensor a = with_grad({3.0f, 4.0f}), b = with_grad({12.0f});
  Tensor none = Tensor::zeros({2});
  none.requires_grad_(true);  // no gradient: skipped
  CHECK(grad_norm({a, b, none}) == Approx(13.0));
  const ClipResult r = clip_grad_norm({a, b, none}, 6.5);
  CHECK(r.norm == Approx(13.0));
  CHECK(r.finite);
  CHECK(r.clipped);
  const double coef = 6.5 / (13.0 + 1e-6);
  CHECK(a.grad().to_vector<float>()[1] == Approx(4.0 * coef));
  CHECK(b.grad().to_vector<float>()[0] == Approx(12.0 * coef));
  CHECK(grad_norm({a, b}) == Approx(6.5).epsilon(1e-6));
}

TEST_CASE("gradients under max_norm are left alone") {
  Tensor a = with_grad({3.0f, 4.0f});
  const ClipResult r = clip_grad_norm({a}, 5.5);
  CHECK(r.norm == Approx(5.0));
  CHECK_FALSE(r.clipped);
  CHECK(a.grad().to_vector<float>() == std::vector<float>{3.0f, 4.0f});
}

TEST_CASE("a non-finite norm is reported and the gradients are not touched") {
  Tensor a = with_grad({std::numeric_limits<float>::infinity(), 1.0f});
  Tensor b = with_grad({2.0f});
  ClipResult r = clip_grad_norm({a, b}, 1.0);
  CHECK_FALSE(r.finite);
  CHECK(std::isinf(r.norm));
  CHECK_FALSE(r.clipped);
  CHECK(b.grad().to_vector<float>()[0] == 2.0f);
  Tensor c = with_grad({std::nanf(""), 1.0f});
  r = clip_grad_norm({c}, 1.0);
  CHECK_FALSE(r.finite);
  CHECK(std::isnan(r.norm));
  CHECK_THROWS_WITH(clip_grad_norm({b}, 0.0), Catch::Contains("max_norm"));
}

TEST_CASE("the norm of a large gradient is accumulated in double, the same on any thread count") {
  const int64_t n = (1 << 20) + 77;
  Tensor a = with_grad(std::vector<float>(size_t(n), 0.5f));
  CHECK(grad_norm({a}) == Approx(0.5 * std::sqrt(double(n))).epsilon(1e-12));
  std::vector<float> mixed(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) mixed[size_t(i)] = float(std::sin(double(i))) * (i % 7 == 0 ? 1e3f : 1e-3f);
  Tensor b = with_grad(mixed);
  const int threads = max_threads();
  set_num_threads(1);
  const double one = grad_norm({b});
  set_num_threads(2);
  const double two = grad_norm({b});
  set_num_threads(threads);
  CHECK(one == two);  // bit-identical
}

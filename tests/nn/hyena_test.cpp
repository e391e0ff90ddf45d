#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/nn/hyena.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::nn;

namespace {

HyenaConfig config(FilterKind f) {
  HyenaConfig c;
  c.d_model = 8;
  c.max_len = 32;
  c.filter = f;
  c.filter_mlp_width = 16;
  return c;
}

}  // namespace

TEST_CASE("Hyena mixer is causal: changing input t never changes outputs before t") {
  for (auto kind : {FilterKind::explicit_table, FilterKind::implicit_mlp}) {
    Generator gen(5);
    HyenaMixer m(config(kind), gen);
    const int64_t T = 32;
    Generator g2(6);
    const Tensor x = Tensor::randn({2, T, 8}, g2);
    const auto base = m.forward(x).to_vector<float>();
    for (int64_t t : {0, 9, 31}) {
      Tensor x2 = x.clone();
      for (int64_t c = 0; c < 8; ++c) x2.data<float>()[t * 8 + c] += 3.0f;
      const auto y = m.forward(x2).to_vector<float>();
      // rounding through the FFT only (see tests/ops/long_conv_test.cpp); the second sequence is untouched
      for (int64_t i = 0; i < t * 8; ++i) REQUIRE(std::abs(y[size_t(i)] - base[size_t(i)]) < 1e-4f);
      for (int64_t i = T * 8; i < 2 * T * 8; ++i) REQUIRE(std::abs(y[size_t(i)] - base[size_t(i)]) < 1e-4f);
      float moved = 0;
      for (int64_t i = t * 8; i < (t + 1) * 8; ++i) moved = std::max(moved, std::abs(y[size_t(i)] - base[size_t(i)]));
      CHECK(moved > 1e-3f);
    }
  }
}

TEST_CASE("Hyena mixer: parameters, gradients to every parameter, length limit") {
  Generator gen(7);
  HyenaMixer ex(config(FilterKind::explicit_table), gen);
  HyenaMixer im(config(FilterKind::implicit_mlp), gen);
  std::vector<std::string> names;
  for (const auto& [n, t] : ex.named_parameters()) names.push_back(n);
  // own parameters first, then children in registration order
  CHECK(names == std::vector<std::string>{"short_conv", "skip", "filter", "in_proj.weight", "sub_norm.weight",
                                          "out_proj.weight"});
  CHECK(im.long_filter(20).shape() == Shape{20, 8});
  Generator g2(8);
  const Tensor x = Tensor::randn({2, 20, 8}, g2);
  for (HyenaMixer* m : {&ex, &im}) {
    sum(square(m->forward(x))).backward();
    for (const auto& [n, t] : m->named_parameters()) {
      INFO(n);
      REQUIRE(t.grad().defined());
      CHECK(sum(abs(t.grad())).item() > 0);
    }
  }
  CHECK_THROWS_WITH(ex.forward(Tensor::zeros({1, 33, 8})), Catch::Contains("exceeds max_len 32"));
  CHECK_THROWS_WITH(parse_filter_kind("fir"), Catch::Contains("explicit, implicit"));
}

#include <catch2/catch.hpp>

#include "convert_test_util.h"
#include "trit/core/error.h"
#include "trit/core/tensor.h"
#include "trit/ops/quant.h"

using namespace trit;
using namespace trit::convert;

namespace {
ConvTensor weight(std::vector<float> values, std::vector<int64_t> shape) {
  ConvTensor t;
  t.name = "blk.0.attn_q.weight";
  t.shape = std::move(shape);
  t.values = std::move(values);
  t.ternary = true;
  return t;
}
}  // namespace

TEST_CASE("ternary_form reproduces training's ternarized weights exactly", "[convert]") {
  const auto params = test::random_params(test::small_config("bitnet", 64, 128));
  for (const char* name : {"blk.0.attn_q.weight", "blk.1.ffn_down.weight", "blk.0.attn_k.weight"}) {
    const formats::NamedArray& a = params.at(name);
    ConvTensor t = weight(a.values<float>(), {int64_t(a.shape[0]), int64_t(a.shape[1])});
    const TernaryForm f = ternary_form(t);
    const Tensor wq = weight_quant_ternary(Tensor::from_vector(t.values, Shape{t.shape[0], t.shape[1]}));
    const float* expect = wq.data<float>();
    const std::vector<float> eff = effective_values(t);
    for (size_t i = 0; i < t.values.size(); ++i) {
      REQUIRE((f.codes[i] >= -1 && f.codes[i] <= 1));
      REQUIRE(eff[i] == expect[i]);
    }
    CHECK(f.scale == float(1.0 / ternary_weight_scale(Tensor::from_vector(t.values, Shape{t.numel()}))));
  }
}

TEST_CASE("ternary_form keeps an exact form and fits the scale of lossy sources", "[convert]") {
  ConvTensor t = weight({0.5f, -0.5f, 0.0f, 0.5f}, {1, 4});
  t.exact = TernaryForm{{1, -1, 0, 1}, 0.25f};
  CHECK(ternary_form(t).scale == 0.25f);
  CHECK(effective_values(t) == std::vector<float>{0.25f, -0.25f, 0.0f, 0.25f});
  // Dequantized from Q4_0: -a comes back as -7a/8. The codes survive, the scale is the
  // least-squares fit, and the values themselves are used for non-ternary outputs.
  ConvTensor q = weight({0.4f, -0.35f, 0.0f, 0.4f}, {1, 4});
  q.source_type = "q4_0";
  const TernaryForm f = ternary_form(q);
  CHECK(f.codes == std::vector<int8_t>{1, -1, 0, 1});
  CHECK(f.scale == Approx((0.4 + 0.35 + 0.4) / 3.0));
  CHECK(effective_values(q) == q.values);
}

TEST_CASE("expected tensors follow the family and the head tying", "[convert]") {
  Hparams hp = test::hparams_of(test::small_config("bitnet", 64, 128));
  auto e = expected_tensors(hp);
  CHECK(e.size() == 1 + 2 * 11 + 1);
  CHECK(e.front().name == "token_embd.weight");
  CHECK(e.front().shape == std::vector<int64_t>{256, 64});
  CHECK(e[3].name == "blk.0.attn_k.weight");
  CHECK(e[3].shape == std::vector<int64_t>{32, 64});  // 2 kv heads of 16
  hp.family = "transformer";
  hp.tie_embeddings = false;
  e = expected_tensors(hp);
  CHECK(e.size() == 1 + 2 * 9 + 2);
  CHECK(e.back().name == "output.weight");
}

TEST_CASE("order_and_check names missing, misshapen and unexpected tensors", "[convert]") {
  const auto cfg = test::small_config("bitnet", 64, 128);
  const Hparams hp = test::hparams_of(cfg);
  auto make = [&] {
    std::vector<ConvTensor> ts;
    for (const auto& [name, a] : test::random_params(cfg)) {
      ConvTensor t;
      t.name = name;
      for (uint64_t d : a.shape) t.shape.push_back(int64_t(d));
      t.values = a.values<float>();
      ts.push_back(std::move(t));
    }
    return ts;
  };
  auto ts = make();
  order_and_check(ts, hp, "m");
  CHECK(ts.front().name == "token_embd.weight");
  CHECK(ts.back().name == "output_norm.weight");
  ts = make();
  std::erase_if(ts, [](const ConvTensor& t) { return t.name == "blk.1.ffn_sub_norm.weight"; });
  CHECK_THROWS_WITH(order_and_check(ts, hp, "m"), Catch::Contains("blk.1.ffn_sub_norm.weight is missing"));
  ts = make();
  for (auto& t : ts)
    if (t.name == "blk.0.attn_v.weight") t.shape = {64, 64};
  CHECK_THROWS_WITH(order_and_check(ts, hp, "m"), Catch::Contains("blk.0.attn_v.weight has shape [64, 64], expected [32, 64]"));
  ts = make();
  ts.push_back(ts.front());
  ts.back().name = "output.weight";
  CHECK_THROWS_WITH(order_and_check(ts, hp, "m"), Catch::Contains("unexpected tensor output.weight"));
}

TEST_CASE("hyperparameters are validated with the field named", "[convert]") {
  Hparams hp = test::hparams_of(test::small_config("bitnet"));
  hp.n_heads = 3;
  CHECK_THROWS_WITH(hp.validate("x.h5"), Catch::Contains("x.h5") && Catch::Contains("n_heads 3"));
  hp = test::hparams_of(test::small_config("moe"));
  CHECK_THROWS_WITH(hp.validate("x.h5"), Catch::Contains("family 'moe'"));
}

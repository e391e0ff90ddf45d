#include <catch2/catch.hpp>

#include "support/check.h"
#include "support/model_compare.h"
#include "trit/models/decoder.h"
#include "trit/models/registry.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::models;

namespace {

ModelConfig tiny(const std::string& family) {
  ModelConfig c;
  c.family = family;
  c.vocab_size = 32;
  c.d_model = 32;
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.d_ff = 48;
  c.max_seq_len = 16;
  return c;
}

}  // namespace

TEST_CASE("bitnet and transformer families have the documented parameters") {
  Generator g(1);
  auto bitnet = create_model(tiny("bitnet"), g);
  const auto sd = bitnet->state_dict();
  for (const char* name : {"tok_emb.weight", "layers.0.attn_norm.weight", "layers.0.attn.q.weight", "layers.0.attn.k.weight",
                           "layers.0.attn.sub_norm.weight", "layers.1.ffn.gate.weight", "layers.1.ffn.sub_norm.weight",
                           "layers.1.ffn.down.weight", "norm.weight"}) {
    INFO(name);
    CHECK(sd.count(name) == 1);
  }
  CHECK(sd.at("layers.0.attn.k.weight").shape() == Shape{16, 32});  // 2 kv heads of 8 dims
  CHECK(sd.count("head.weight") == 0);                               // tied
  auto dense = create_model(tiny("transformer"), g);
  CHECK(dense->state_dict().count("layers.0.attn.sub_norm.weight") == 0);
  CHECK(dense->n_parameters() < bitnet->n_parameters());
  CHECK_THROWS_WITH(create_model(tiny("mamba"), g), Catch::Contains("unknown model family 'mamba'") && Catch::Contains("bitnet") && Catch::Contains("transformer"));
}

TEST_CASE("model config round-trips through JSON and rejects unknown keys") {
  ModelConfig c = tiny("bitnet");
  c.ffn = "relu2_glu";
  const ModelConfig back = ModelConfig::from_json(c.to_json());
  CHECK(back.to_json() == c.to_json());
  nlohmann::json j = c.to_json();
  j["n_layer"] = 3;
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Catch::Contains("unknown key 'n_layer'"));
  j = c.to_json();
  j["n_kv_heads"] = 3;
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Catch::Contains("multiple of n_kv_heads"));
}

TEST_CASE("forward gives logits and trains: loss falls on a repeated sequence") {
  for (const char* family : {"bitnet", "transformer"}) {
    INFO(family);
    Generator g(2);
    auto model = create_model(tiny(family), g);
    Tensor ids = Tensor::from_vector<int32_t>({1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8}, {2, 8});
    Tensor inputs = ids.narrow(1, 0, 7).contiguous(), targets = ids.narrow(1, 1, 7).contiguous().reshape({-1});
    double first = 0, last = 0;
    for (int step = 0; step < 30; ++step) {
      model->zero_grad();
      Tensor logits = model->forward(inputs);
      REQUIRE(logits.shape() == Shape{2, 7, 32});
      Tensor loss = cross_entropy(logits.reshape({-1, 32}), targets);
      loss.backward();
      NoGradGuard no_grad;
      for (Tensor p : model->parameters()) add_(p, p.grad(), -0.05);
      (step == 0 ? first : last) = loss.item();
    }
    CHECK(last < first * 0.5);
  }
}

TEST_CASE("incremental decoding with the KV cache equals the full forward") {
  for (const char* family : {"bitnet", "transformer"}) {
    INFO(family);
    Generator g(3);
    auto model = create_model(tiny(family), g);
    test::check_kv_cache_matches_full(*model);
  }
}

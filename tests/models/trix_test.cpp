#include <catch2/catch.hpp>

#include "support/check.h"
#include "support/model_compare.h"
#include "trit/models/registry.h"
#include "trit/models/trix.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::models;

namespace {

ModelConfig tiny_trix(const std::string& router) {
  ModelConfig c;
  c.family = "trix";
  c.vocab_size = 32;
  c.d_model = 32;
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.n_tiles = 4;
  c.d_tile = 16;
  c.router = router;
  c.max_seq_len = 16;
  return c;
}

}  // namespace

TEST_CASE("trix family has the documented parameters") {
  Generator g(1);
  auto model = create_model(tiny_trix("learned"), g);
  const auto sd = model->state_dict();
  for (const char* name : {"tok_emb.weight", "layers.0.attn.q.weight", "layers.0.ffn_norm.weight",
                           "layers.1.ffn.tiles.3.gate.weight", "layers.1.ffn.tiles.0.up.weight",
                           "layers.1.ffn.tiles.2.down.weight", "layers.0.ffn.tiles.1.sub_norm.weight",
                           "layers.0.ffn.router.weight", "norm.weight"}) {
    INFO(name);
    CHECK(sd.count(name) == 1);
  }
  CHECK(sd.at("layers.1.ffn.tiles.3.gate.weight").shape() == Shape{16, 32});
  CHECK(sd.at("layers.0.ffn.router.weight").shape() == Shape{4, 32});
  auto sig = create_model(tiny_trix("signature"), g);
  CHECK(sig->state_dict().count("layers.0.ffn.router.weight") == 0);
  ModelConfig bad = tiny_trix("topk");
  CHECK_THROWS_WITH(bad.validate(), Catch::Contains("router 'topk'"));
  ModelConfig dense_hash = tiny_trix("hash");
  dense_hash.router_dense_grad = true;
  CHECK_THROWS_WITH(dense_hash.validate(), Catch::Contains("router_dense_grad needs a learned router"));
  ModelConfig prior_sig = tiny_trix("signature");
  prior_sig.router_prior = 2;
  CHECK_THROWS_WITH(prior_sig.validate(), Catch::Contains("router_prior (2) needs a learned router"));
  const ModelConfig back = ModelConfig::from_json(tiny_trix("hash").to_json());
  CHECK(back.router == "hash");
  CHECK(back.n_tiles == 4);
}

TEST_CASE("trix trains with every router: loss falls, stats and aux loss reported") {
  for (const char* router : {"signature", "learned", "hash"}) {
    INFO(router);
    Generator g(2);
    auto model = create_model(tiny_trix(router), g);
    Tensor ids = Tensor::from_vector<int32_t>({1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8}, {2, 8});
    Tensor inputs = ids.narrow(1, 0, 7).contiguous(), targets = ids.narrow(1, 1, 7).contiguous().reshape({-1});
    double first = 0, last = 0;
    for (int step = 0; step < 30; ++step) {
      model->zero_grad();
      Tensor logits = model->forward(inputs);
      REQUIRE(logits.shape() == Shape{2, 7, 32});
      Tensor loss = cross_entropy(logits.reshape({-1, 32}), targets);
      const Tensor aux = model->aux_loss();
      CHECK(aux.defined() == (std::string(router) != "hash"));
      (aux.defined() ? loss + aux : loss).backward();
      NoGradGuard no_grad;
      for (Tensor p : model->parameters())
        if (p.grad().defined()) add_(p, p.grad(), -0.05);
      (step == 0 ? first : last) = loss.item();
    }
    CHECK(last < first * 0.5);
    const auto stats = model->train_stats();
    REQUIRE(stats.size() == 3 + 2 * 4);
    CHECK(stats[0].first == "route_entropy");
    CHECK((stats[0].second >= 0 && stats[0].second <= 1));
    CHECK(stats[2].first == "route_max_share");
    CHECK(stats[2].second >= 1.0);
    double tokens = 0;
    for (size_t i = 3; i < 7; ++i) tokens += stats[i].second;
    CHECK(tokens == 14);  // layer 0's tiles share the 14 tokens
    CHECK(stats[3].first == "route_tokens.l0.t00");
  }
}

TEST_CASE("trix incremental decoding with the KV cache equals the full forward") {
  for (const char* router : {"signature", "learned", "hash"}) {
    INFO(router);
    Generator g(3);
    auto model = create_model(tiny_trix(router), g);
    test::check_kv_cache_matches_full(*model);
  }
}

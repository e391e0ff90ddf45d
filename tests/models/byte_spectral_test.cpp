#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/models/byte_spectral.h"
#include "trit/models/registry.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::models;

namespace {

ModelConfig small(int64_t attention_every, const std::string& embedding = "both", const std::string& filter = "implicit") {
  ModelConfig c;
  c.family = "byte_spectral";
  c.vocab_size = 256;
  c.d_model = 16;
  c.n_layers = 2;
  c.n_heads = 2;
  c.n_kv_heads = 2;
  c.d_ff = 32;
  c.max_seq_len = 48;
  c.spectral_window = 8;
  c.attention_every = attention_every;
  c.embedding = embedding;
  c.filter = filter;
  return c;
}

Tensor ids_of(int64_t T, uint64_t seed) {
  std::vector<int32_t> v(static_cast<size_t>(T));
  for (int64_t i = 0; i < T; ++i) v[size_t(i)] = int32_t((seed * 31 + uint64_t(i) * 97 + uint64_t(i * i)) % 256);
  return Tensor::from_vector<int32_t>(v, {1, T});
}

}  // namespace

TEST_CASE("byte_spectral model is causal: changing byte t never changes logits before t") {
  for (const auto& c : {small(0), small(2), small(0, "spectral", "explicit")}) {
    INFO("attention_every " << c.attention_every << " embedding " << c.embedding);
    Generator gen(1);
    auto model = create_model(c, gen);
    NoGradGuard ng;
    const int64_t T = 40, V = 256;
    const Tensor ids = ids_of(T, 3);
    const auto base = model->forward(ids).to_vector<float>();
    for (int64_t t : {0, 17, 39}) {
      Tensor ids2 = ids.clone();
      ids2.data<int32_t>()[t] = (ids2.data<int32_t>()[t] + 77) % 256;
      const auto y = model->forward(ids2).to_vector<float>();
      float before = 0, at = 0;
      for (int64_t i = 0; i < t * V; ++i) before = std::max(before, std::abs(y[size_t(i)] - base[size_t(i)]));
      for (int64_t i = t * V; i < (t + 1) * V; ++i) at = std::max(at, std::abs(y[size_t(i)] - base[size_t(i)]));
      INFO("t " << t << " max change before t " << before << ", at t " << at);
      CHECK(before < 1e-4f);  // FFT rounding only
      CHECK(at > 1e-3f);
    }
  }
}

TEST_CASE("byte_spectral generation with the prefix cache equals the full forward") {
  Generator gen(2);
  auto model = create_model(small(2), gen);
  NoGradGuard ng;
  const Tensor ids = ids_of(20, 5);
  const Tensor full = model->forward(ids);
  KVCache cache = model->make_cache(1, 24);
  const Tensor first = model->forward(narrow(ids, 1, 0, 12), &cache);
  CHECK(cache.length() == 12);
  test::check_close(first, narrow(full, 1, 0, 12), 1e-5, 1e-5);
  for (int64_t t = 12; t < 20; ++t) {
    const Tensor step = model->forward(contiguous(narrow(ids, 1, t, 1)), &cache);
    REQUIRE(step.shape() == Shape{1, 1, 256});
    test::check_close(step, narrow(full, 1, t, 1), 1e-5, 1e-5);
  }
  CHECK(cache.length() == 20);
  CHECK_THROWS_WITH(model->forward(ids_of(5, 1), &cache), Catch::Contains("cannot take 5 more"));
  CHECK_THROWS_WITH(model->make_cache(1, 49), Catch::Contains("max_seq_len 48"));
}

TEST_CASE("byte_spectral: layers, tying, config round trip, learning") {
  Generator gen(3);
  auto hybrid = std::dynamic_pointer_cast<ByteSpectral>(create_model(small(2), gen));
  REQUIRE(hybrid);
  CHECK(!hybrid->is_attention_layer(0));
  CHECK(hybrid->is_attention_layer(1));
  CHECK(hybrid->head == nullptr);  // tied to the byte table
  const auto names = hybrid->state_dict();
  CHECK(names.count("layers.0.mixer.in_proj.weight") == 1);
  CHECK(names.count("layers.1.attn.q.weight") == 1);
  CHECK(names.count("embed.proj.weight") == 1);
  auto spectral_only = std::dynamic_pointer_cast<ByteSpectral>(create_model(small(0, "spectral"), gen));
  CHECK(spectral_only->head != nullptr);
  const ModelConfig back = ModelConfig::from_json(small(3, "table", "explicit").to_json());
  CHECK(back.attention_every == 3);
  CHECK(back.embedding == "table");
  CHECK(back.filter == "explicit");
  ModelConfig bad = small(0);
  bad.spectral_window = 5;
  CHECK_THROWS_WITH(create_model(bad, gen), Catch::Contains("spectral_window 5"));
  bad = small(0);
  bad.filter = "fir";
  CHECK_THROWS_WITH(create_model(bad, gen), Catch::Contains("explicit, implicit"));

  // A few AdamW-free SGD steps on one repeated sequence lower the loss.
  auto model = create_model(small(0), gen);
  const Tensor ids = ids_of(33, 9);
  const Tensor in = contiguous(narrow(ids, 1, 0, 32)), target = contiguous(narrow(ids, 1, 1, 32)).reshape({-1});
  double first = 0, last = 0;
  for (int step = 0; step < 30; ++step) {
    model->zero_grad();
    const Tensor loss = cross_entropy(model->forward(in).reshape({32, 256}), target);
    if (step == 0) first = loss.item();
    last = loss.item();
    loss.backward();
    NoGradGuard ng;
    for (Tensor p : model->parameters()) {
      Tensor g = p.grad();
      if (g.defined()) add_(p, g, -0.05);
    }
  }
  CHECK(last < first - 0.5);
}

// Self-speculative decoding gives exactly the tokens of plain generation.
#include <catch2/catch.hpp>

#include <filesystem>

#include "support/gguf_export.h"
#include "trit/runtime/runtime_eval.h"
#include "trit/runtime/speculative.h"

using namespace trit;

TEST_CASE("self-speculative decoding equals plain generation, greedy and sampled") {
  models::ModelConfig c;
  c.vocab_size = 256;
  c.d_model = 256;
  c.n_layers = 4;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.d_ff = 512;
  c.max_seq_len = 80;
  c.init_std = 0.05;
  Generator g(21);
  models::Decoder model(c, true, g);
  const auto path = std::filesystem::temp_directory_path() / "trit_speculative_test.gguf";
  test::export_decoder_gguf(model, path);
  runtime::RuntimeModel rt(path, {2, 16, 0});
  const std::vector<int32_t> prompt = {'a', 'b', 'c', ' ', 'x'};
  for (double temperature : {0.0, 1.0}) {
    for (size_t layers : {1, 3}) {
      for (size_t k : {1, 4}) {
        INFO("temperature " << temperature << ", draft layers " << layers << ", draft tokens " << k);
        train::SamplingOptions o;
        o.temperature = temperature;
        o.seed = 3;
        const auto plain = runtime::generate(rt, prompt, 60, o);
        runtime::SpeculativeStats s;
        std::vector<int32_t> streamed;
        const auto spec = runtime::generate_speculative(rt, prompt, 60, o, {layers, k},
                                                        [&](int32_t t) { streamed.push_back(t); }, nullptr, &s);
        CHECK(spec == plain);
        CHECK(streamed == spec);
        CHECK(s.drafted > 0);
        CHECK(s.accepted <= s.drafted);
        CHECK(s.verify_passes > 0);
        // Every pass yields at least one token and at most k + 1.
        CHECK(int64_t(spec.size()) - 1 <= s.verify_passes * int64_t(k + 1));
        CHECK(int64_t(spec.size()) - 1 >= s.verify_passes);
      }
    }
  }
  // The context limit: as plain generation, capacity - prompt tokens.
  train::SamplingOptions greedy;
  greedy.temperature = 0;
  const std::vector<int32_t> long_prompt(70, 'q');
  const auto plain = runtime::generate(rt, long_prompt, 40, greedy);
  const auto spec = runtime::generate_speculative(rt, long_prompt, 40, greedy, {2, 4});
  CHECK(plain.size() == 10);
  CHECK(spec == plain);
  CHECK_THROWS_WITH(runtime::generate_speculative(rt, prompt, 4, greedy, {4, 2}), Catch::Contains("draft layers 4"));
  std::filesystem::remove(path);
}

#include <catch2/catch.hpp>

#include "trit/convert/source.h"
#include "trit/convert/tokenizer_json.h"
#include "trit/core/error.h"
#include "trit/data/tokenizer.h"

using namespace trit;
using namespace trit::convert;

namespace {
data::TokenizerSpec bpe_spec() {
  data::TokenizerSpec s;
  s.kind = "bpe";
  for (int b = 0; b < 256; ++b) s.tokens.push_back(std::string(1, char(b)));
  s.tokens.push_back(" t");   // 256 = ' ' + 't'
  s.tokens.push_back(" th");  // 257 = 256 + 'h'
  s.merges = {{32, 116}, {256, 104}};
  s.tokens.push_back("<|endoftext|>");
  s.n_special = 1;
  return s;
}
}  // namespace

TEST_CASE("a trit BPE tokenizer becomes gpt2 keys with merges, types and special ids", "[convert]") {
  const formats::GgufMetadata m = tokenizer_metadata(bpe_spec(), "t");
  CHECK(m.get<std::string>("tokenizer.ggml.model") == "gpt2");
  CHECK(m.get<std::string>("tokenizer.ggml.pre") == "gpt-2");
  const auto& tokens = std::get<std::vector<std::string>>(m.get<formats::GgufArray>("tokenizer.ggml.tokens").data);
  REQUIRE(tokens.size() == 259);
  CHECK(tokens[32] == "\xC4\xA0");  // U+0120, GPT-2's image of the space byte
  CHECK(tokens[257] == "\xC4\xA0th");
  CHECK(tokens[258] == "<|endoftext|>");
  const auto& merges = std::get<std::vector<std::string>>(m.get<formats::GgufArray>("tokenizer.ggml.merges").data);
  CHECK(merges == std::vector<std::string>{"\xC4\xA0 t", "\xC4\xA0t h"});
  const auto& types = std::get<std::vector<int32_t>>(m.get<formats::GgufArray>("tokenizer.ggml.token_type").data);
  CHECK(types[0] == 1);
  CHECK(types[258] == 3);
  CHECK(m.get<uint32_t>("tokenizer.ggml.bos_token_id") == 258);
  CHECK(m.get<uint32_t>("tokenizer.ggml.eos_token_id") == 258);
  CHECK(m.get<bool>("tokenizer.ggml.add_bos_token") == false);
}

TEST_CASE("the bytes tokenizer has no merges and names byte 0 as bos/eos", "[convert]") {
  data::TokenizerSpec s;
  s.kind = "bytes";
  for (int b = 0; b < 256; ++b) s.tokens.push_back(std::string(1, char(b)));
  const formats::GgufMetadata m = tokenizer_metadata(s, "t");
  CHECK(m.get<formats::GgufArray>("tokenizer.ggml.merges").size() == 0);
  CHECK(m.get<uint32_t>("tokenizer.ggml.eos_token_id") == 0);
}

TEST_CASE("tokenizer keys survive the JSON form stored in safetensors metadata", "[convert]") {
  const formats::GgufMetadata m = tokenizer_metadata(bpe_spec(), "t");
  const formats::GgufMetadata back = tokenizer_from_json_text(tokenizer_to_json_text(m), "f");
  REQUIRE(back.size() == m.size());
  for (const auto& [key, value] : m.entries()) CHECK(*back.find(key) == value);
  CHECK_THROWS_WITH(tokenizer_from_json_text("[1, 2]", "f.safetensors"), Catch::Contains("f.safetensors"));
  CHECK_THROWS_WITH(tokenizer_from_json_text("{\"general.name\": \"x\"}", "f"), Catch::Contains("general.name"));
}

TEST_CASE("a Hugging Face byte-level BPE tokenizer.json is read", "[convert]") {
  const nlohmann::json j = nlohmann::json::parse(R"({
    "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]},
    "added_tokens": [{"id": 4, "content": "<|endoftext|>", "special": true}]})");
  const formats::GgufMetadata m = tokenizer_from_hf_json(j, "tokenizer.json");
  const auto& tokens = std::get<std::vector<std::string>>(m.get<formats::GgufArray>("tokenizer.ggml.tokens").data);
  CHECK(tokens == std::vector<std::string>{"a", "b", "ab", "[UNUSED_3]", "<|endoftext|>"});
  const auto& types = std::get<std::vector<int32_t>>(m.get<formats::GgufArray>("tokenizer.ggml.token_type").data);
  CHECK(types == std::vector<int32_t>{1, 1, 1, 5, 3});
  CHECK(m.get<uint32_t>("tokenizer.ggml.eos_token_id") == 4);
  const nlohmann::json wordpiece = nlohmann::json::parse(R"({"model": {"type": "WordPiece", "vocab": {}}})");
  CHECK_THROWS_WITH(tokenizer_from_hf_json(wordpiece, "tokenizer.json"), Catch::Contains("only BPE"));
}

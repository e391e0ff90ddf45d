#include <catch2/catch.hpp>

#include "trit/core/error.h"
#include "trit/data/byte_tokenizer.h"
#include "trit/data/gpt2_unicode.h"

using namespace trit::data;

TEST_CASE("GPT-2 byte alphabet matches the known code points") {
  CHECK(gpt2_code_point('A') == 'A');
  CHECK(gpt2_code_point('!') == '!');
  CHECK(gpt2_code_point(0x00) == 0x100);
  CHECK(gpt2_code_point('\n') == 0x10A);  // 'Ċ'
  CHECK(gpt2_code_point(' ') == 0x120);   // 'Ġ'
  CHECK(gpt2_code_point(0x7F) == 0x121);
  CHECK(gpt2_code_point(0xA0) == 0x142);
  CHECK(gpt2_code_point(0xAD) == 0x143);
  CHECK(gpt2_code_point(0xE9) == 0xE9);
  CHECK(gpt2_render_bytes(" the") == "\xc4\xa0the");  // "Ġthe"
  CHECK(gpt2_render_bytes("\n") == "\xc4\x8a");        // "Ċ"
}

TEST_CASE("GPT-2 alphabet is a bijection on bytes") {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  std::string text = gpt2_render_bytes(all);
  CHECK(gpt2_parse_text(text) == all);
  CHECK_THROWS_AS(gpt2_parse_text("\xe2\x82\xac"), trit::Error);  // U+20AC is not in it
  CHECK_THROWS_AS(gpt2_parse_text(" "), trit::Error);             // space is U+0120 there
}

TEST_CASE("GPT-2 token and merge texts for a BPE vocabulary") {
  TokenizerSpec spec = byte_tokenizer_spec();
  spec.kind = "bpe";
  spec.tokens.push_back(" t");
  spec.tokens.push_back(" the");
  spec.tokens.push_back("he");
  spec.tokens.push_back("<|endoftext|>");
  spec.merges = {{' ', 't'}, {'h', 'e'}, {256, 258}};
  spec.n_special = 1;
  auto tok = make_tokenizer(spec);
  auto tokens = gpt2_token_texts(*tok);
  REQUIRE(tokens.size() == 260);
  CHECK(tokens[' '] == "\xc4\xa0");
  CHECK(tokens[257] == "\xc4\xa0the");
  CHECK(tokens[259] == "<|endoftext|>");
  auto merges = gpt2_merge_texts(*tok);
  CHECK(merges == std::vector<std::string>{"\xc4\xa0 t", "h e", "\xc4\xa0t he"});
}

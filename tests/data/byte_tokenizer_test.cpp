#include <catch2/catch.hpp>

#include "trit/core/error.h"
#include "trit/data/byte_tokenizer.h"

using namespace trit::data;

TEST_CASE("byte tokenizer maps each byte to its value and back") {
  ByteTokenizer tok;
  CHECK(tok.n_vocab() == 256);
  CHECK(tok.name() == "bytes");
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  auto ids = tok.encode(all);
  REQUIRE(ids.size() == 256);
  for (int b = 0; b < 256; ++b) CHECK(ids[b] == b);
  CHECK(tok.decode(ids) == all);
  CHECK(tok.encode("").empty());
  CHECK(tok.decode({}).empty());
  CHECK_FALSE(tok.is_special(255));
}

TEST_CASE("byte tokenizer rejects ids outside its vocabulary when decoding") {
  ByteTokenizer tok;
  std::vector<int32_t> bad{65, 256};
  CHECK_THROWS_WITH(tok.decode(bad), Catch::Contains("256") && Catch::Contains("bytes"));
  std::vector<int32_t> negative{-1};
  CHECK_THROWS_AS(tok.decode(negative), trit::Error);
}

TEST_CASE("byte tokenizer spec rebuilds the same tokenizer") {
  auto tok = make_tokenizer(byte_tokenizer_spec());
  CHECK(tok->name() == "bytes");
  CHECK(tok->encode("hi") == std::vector<int32_t>{'h', 'i'});
}

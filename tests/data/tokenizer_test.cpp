#include <catch2/catch.hpp>

#include "trit/core/error.h"
#include "trit/data/byte_tokenizer.h"
#include "trit/data/tokenizer.h"

using namespace trit::data;
using Catch::Contains;

namespace {

TokenizerSpec small_bpe_spec() {
  TokenizerSpec spec = byte_tokenizer_spec();
  spec.kind = "bpe";
  spec.tokens.push_back("ab");  // 256
  spec.tokens.push_back("abc"); // 257
  spec.tokens.push_back("<|endoftext|>");
  spec.merges = {{'a', 'b'}, {256, 'c'}};
  spec.n_special = 1;
  return spec;
}

}  // namespace

TEST_CASE("make_tokenizer builds a BPE tokenizer from a valid spec") {
  auto tok = make_tokenizer(small_bpe_spec(), "x.h5");
  CHECK(tok->name() == "bpe:259");
  CHECK(tok->encode("abcab") == std::vector<int32_t>{257, 256});
  CHECK(tok->is_special(258));
  CHECK_FALSE(tok->is_special(257));
  CHECK(tok->decode(std::vector<int32_t>{258}) == "<|endoftext|>");
}

TEST_CASE("make_tokenizer rejects broken specs and names the source") {
  auto spec = small_bpe_spec();
  SECTION("wrong byte token") {
    spec.tokens[65] = std::string(1, 'B');
    CHECK_THROWS_WITH(make_tokenizer(spec, "x.h5"), Contains("x.h5") && Contains("token 65"));
  }
  SECTION("duplicate token") {
    spec.tokens[257] = spec.tokens[256];
    CHECK_THROWS_WITH(make_tokenizer(spec, "x.h5"), Contains("repeats"));
  }
  SECTION("merge id out of range") {
    spec.merges[1] = {256, 9999};
    CHECK_THROWS_WITH(make_tokenizer(spec, "x.h5"), Contains("merge 1"));
  }
  SECTION("merge that makes no token") {
    spec.merges.push_back({'x', 'y'});
    CHECK_THROWS_WITH(make_tokenizer(spec, "x.h5"), Contains("no token"));
  }
  SECTION("repeated merge") {
    spec.merges.push_back({'a', 'b'});
    CHECK_THROWS_WITH(make_tokenizer(spec, "x.h5"), Contains("repeats an earlier merge"));
  }
  SECTION("merge of a special token") {
    spec.merges.push_back({258, 'a'});
    CHECK_THROWS_WITH(make_tokenizer(spec, "x.h5"), Contains("merge 2"));
  }
  SECTION("unknown kind") {
    spec.kind = "wordpiece";
    CHECK_THROWS_WITH(make_tokenizer(spec, "x.h5"), Contains("wordpiece"));
  }
  SECTION("too few tokens") {
    spec.tokens.resize(100);
    CHECK_THROWS_AS(make_tokenizer(spec, "x.h5"), trit::Error);
  }
  SECTION("bytes kind with extra tokens") {
    spec.kind = "bytes";
    CHECK_THROWS_WITH(make_tokenizer(spec, "x.h5"), Contains("256"));
  }
}

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "trit/data/pretokenize.h"

using namespace trit::data;

namespace {

std::vector<std::string> chunks_of(std::string_view text) {
  std::vector<std::string> out;
  for_each_chunk(text, [&](std::string_view c) { out.emplace_back(c); });
  return out;
}

// Chunks found by feeding `text` in blocks of random sizes, carrying the unfinished tail.
std::vector<std::string> streamed_chunks(const std::string& text, std::mt19937& rng) {
  std::vector<std::string> out;
  std::string carry;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t n = std::uniform_int_distribution<size_t>(1, 9)(rng);
    carry += text.substr(pos, n);
    pos += n;
    size_t done = for_each_final_chunk(carry, [&](std::string_view c) { out.emplace_back(c); });
    carry.erase(0, done);
  }
  for_each_chunk(carry, [&](std::string_view c) { out.emplace_back(c); });
  return out;
}

}  // namespace

TEST_CASE("pre-tokenisation follows GPT-2's split") {
  using V = std::vector<std::string>;
  CHECK(chunks_of("Hello world's  end\n\nok") ==
        V{"Hello", " world", "'s", " ", " end", "\n", "\n", "ok"});
  CHECK(chunks_of("I'll pay 42.50$ now!!") ==
        V{"I", "'ll", " pay", " 42", ".", "50", "$", " now", "!!"});
  CHECK(chunks_of("tail   ") == V{"tail", "   "});
  CHECK(chunks_of("caf\xc3\xa9 \xff\xfe") == V{"caf\xc3\xa9", " \xff\xfe"});
  CHECK(chunks_of(std::string("a\0b", 3)) == V{"a", std::string("\0", 1), "b"});
  CHECK(chunks_of("").empty());
}

TEST_CASE("a final prefix cut alone may give other chunks: streams must use the emitted ones") {
  // "\t\n" before a word is two chunks; at the end of a text it is one.
  CHECK(chunks_of("a\t\nb") == std::vector<std::string>{"a", "\t", "\n", "b"});
  CHECK(chunks_of("a\t\n") == std::vector<std::string>{"a", "\t\n"});
  std::vector<std::string> emitted;
  size_t done = for_each_final_chunk("a\t\nbcdef", [&](std::string_view c) { emitted.emplace_back(c); });
  CHECK(done == 3);
  CHECK(emitted == std::vector<std::string>{"a", "\t", "\n"});
}

TEST_CASE("pre-tokenisation cuts chunks longer than the limit") {
  std::string text(1000, 'x');
  auto chunks = chunks_of(text);
  REQUIRE(chunks.size() == 4);
  CHECK(chunks[0].size() == kMaxChunkBytes);
  CHECK(chunks[3].size() == 1000 - 3 * kMaxChunkBytes);
}

TEST_CASE("streamed pre-tokenisation gives the same chunks as the whole text") {
  std::mt19937 rng(7);
  const std::string alphabet = std::string("ab sltremvd'\n\t09.!-\xc3\xa9\x80", 25) + '\0';
  for (int trial = 0; trial < 300; ++trial) {
    std::string text;
    size_t n = std::uniform_int_distribution<size_t>(0, 400)(rng);
    for (size_t i = 0; i < n; ++i)
      text += alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
    if (trial % 10 == 0) text += std::string(600, trial % 20 == 0 ? ' ' : 'q');
    INFO("trial " << trial);
    CHECK(streamed_chunks(text, rng) == chunks_of(text));
    std::string joined;
    for (const auto& c : chunks_of(text)) joined += c;
    CHECK(joined == text);
  }
}

#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>

#include "trit/core/error.h"
#include "trit/data/bpe_trainer.h"
#include "trit/data/pretokenize.h"

using namespace trit::data;
using Merges = std::vector<std::pair<int32_t, int32_t>>;

namespace {

// Reference trainer: recounts every pair from scratch before each merge.
TokenizerSpec naive_train(const std::map<std::string, int64_t>& word_counts, int64_t n_vocab,
                          int64_t min_count) {
  TokenizerSpec spec;
  for (int b = 0; b < 256; ++b) spec.tokens.emplace_back(1, static_cast<char>(b));
  std::vector<std::pair<std::vector<int32_t>, int64_t>> words;
  for (const auto& [w, c] : word_counts) {
    std::vector<int32_t> ids;
    for (char ch : w) ids.push_back(static_cast<uint8_t>(ch));
    words.emplace_back(ids, c);
  }
  while (static_cast<int64_t>(spec.tokens.size()) < n_vocab - 1) {
    std::map<std::pair<int32_t, int32_t>, int64_t> counts;
    for (const auto& [ids, c] : words)
      for (size_t i = 0; i + 1 < ids.size(); ++i) counts[{ids[i], ids[i + 1]}] += c;
    std::pair<int32_t, int32_t> best{-1, -1};
    int64_t best_count = 0;
    for (const auto& [p, c] : counts)
      if (c > best_count) best = p, best_count = c;  // map order: the smaller pair wins ties
    if (best_count < min_count) break;
    std::string bytes = spec.tokens[best.first] + spec.tokens[best.second];
    int32_t result = -1;
    for (size_t i = 0; i < spec.tokens.size(); ++i)
      if (spec.tokens[i] == bytes) result = static_cast<int32_t>(i);
    if (result < 0) {
      result = static_cast<int32_t>(spec.tokens.size());
      spec.tokens.push_back(bytes);
    }
    spec.merges.push_back(best);
    for (auto& [ids, c] : words) {
      std::vector<int32_t> merged;
      for (size_t i = 0; i < ids.size(); ++i) {
        if (i + 1 < ids.size() && ids[i] == best.first && ids[i + 1] == best.second) {
          merged.push_back(result);
          ++i;
        } else {
          merged.push_back(ids[i]);
        }
      }
      ids = merged;
    }
  }
  spec.tokens.emplace_back("<|endoftext|>");
  return spec;
}

}  // namespace

TEST_CASE("BPE training finds the merges worked out by hand") {
  BpeTrainer trainer;
  trainer.add_chunk("hug", 10);
  trainer.add_chunk("pug", 5);
  trainer.add_chunk("pun", 12);
  trainer.add_chunk("bun", 4);
  trainer.add_chunk("hugs", 5);
  // Pair counts: ug 20, un 16, hu 15, then h+ug 15, p+un 12, p+ug 5 = hug+s 5 (tie: the
  // smaller left id 'p' < 258 goes first), b+un 4; nothing else occurs twice.
  auto spec = trainer.train({.n_vocab = 300});
  CHECK(spec.merges ==
        Merges{{'u', 'g'}, {'u', 'n'}, {'h', 256}, {'p', 257}, {'p', 256}, {258, 's'}, {'b', 257}});
  REQUIRE(spec.tokens.size() == 256 + 7 + 1);
  CHECK(spec.tokens[256] == "ug");
  CHECK(spec.tokens[258] == "hug");
  CHECK(spec.tokens[261] == "hugs");
  CHECK(spec.tokens[263] == "<|endoftext|>");
  CHECK(spec.n_special == 1);
  CHECK(make_tokenizer(spec)->encode("hugs pun") == std::vector<int32_t>{261, ' ', 259});

  auto small = trainer.train({.n_vocab = 259, .end_of_text = false});
  CHECK(small.merges == Merges{{'u', 'g'}, {'u', 'n'}, {'h', 256}});
  CHECK(small.n_special == 0);
}

TEST_CASE("incremental BPE training equals recounting from scratch") {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 150; ++trial) {
    std::map<std::string, int64_t> words;
    const std::string alphabet = trial % 2 ? "ab" : "abcd";
    int n_words = std::uniform_int_distribution<int>(1, 60)(rng);
    for (int w = 0; w < n_words; ++w) {
      std::string word;
      int len = std::uniform_int_distribution<int>(1, trial % 3 ? 12 : 30)(rng);
      for (int i = 0; i < len; ++i)
        word += alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
      words[word] += std::uniform_int_distribution<int>(1, 9)(rng);
    }
    BpeTrainer trainer;
    for (const auto& [w, c] : words) trainer.add_chunk(w, static_cast<uint64_t>(c));
    auto expected = naive_train(words, 256 + 40, 2);
    auto got = trainer.train({.n_vocab = 256 + 40});
    INFO("trial " << trial);
    CHECK(got.merges == expected.merges);
    CHECK(got.tokens == expected.tokens);
    CHECK_NOTHROW(make_tokenizer(got));
  }
}

TEST_CASE("BPE training is deterministic whatever the order of the text") {
  std::string a = "the cat sat on the mat. the dog sat on the log! ";
  std::string b = "a cat and a dog; 12 cats, 34 dogs... ";
  BpeTrainer t1, t2;
  for (int i = 0; i < 20; ++i) t1.add_text(a), t1.add_text(b);
  for (int i = 0; i < 20; ++i) t2.add_text(b);
  for (int i = 0; i < 20; ++i) t2.add_text(a);
  auto s1 = t1.train({.n_vocab = 320});
  auto s2 = t2.train({.n_vocab = 320});
  CHECK(s1.merges == s2.merges);
  CHECK(s1.tokens == s2.tokens);
  CHECK(t1.n_bytes() == 20 * (a.size() + b.size()));
}

TEST_CASE("BPE training rejects a vocabulary below 257") {
  BpeTrainer trainer;
  trainer.add_text("abc");
  CHECK_THROWS_WITH(trainer.train({.n_vocab = 256}), Catch::Contains("too small"));
  CHECK(trainer.train({.n_vocab = 256, .end_of_text = false}).tokens.size() == 256);
}

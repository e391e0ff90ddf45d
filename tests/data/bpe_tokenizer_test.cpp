#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "trit/data/bpe_tokenizer.h"
#include "trit/data/bpe_trainer.h"
#include "trit/data/pretokenize.h"

using namespace trit::data;

namespace {

std::string read_shared(const std::string& name, size_t max_bytes) {
  std::ifstream in(std::string(TRIT_SHARED_DIR) + "/datasets/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str().substr(0, max_bytes);
}

const Tokenizer& shakespeare_bpe() {
  static std::unique_ptr<Tokenizer> tok = [] {
    BpeTrainer trainer;
    trainer.add_text(read_shared("tinyshakespeare.txt", 300000));
    return make_tokenizer(trainer.train({.n_vocab = 600}));
  }();
  return *tok;
}

// GPT-2's reference loop: merge all occurrences of the lowest-ranked pair, repeat.
std::vector<int32_t> naive_encode(const TokenizerSpec& spec, std::string_view text) {
  std::map<std::pair<int32_t, int32_t>, int32_t> rank;
  std::map<std::string, int32_t> id_of;
  for (size_t i = 0; i < spec.tokens.size(); ++i) id_of[spec.tokens[i]] = static_cast<int32_t>(i);
  for (size_t r = 0; r < spec.merges.size(); ++r) rank[spec.merges[r]] = static_cast<int32_t>(r);
  std::vector<int32_t> out;
  for_each_chunk(text, [&](std::string_view chunk) {
    std::vector<int32_t> ids;
    for (char c : chunk) ids.push_back(static_cast<uint8_t>(c));
    for (;;) {
      int32_t best = -1;
      std::pair<int32_t, int32_t> pair;
      for (size_t i = 0; i + 1 < ids.size(); ++i) {
        auto it = rank.find({ids[i], ids[i + 1]});
        if (it != rank.end() && (best < 0 || it->second < best)) best = it->second, pair = it->first;
      }
      if (best < 0) break;
      int32_t result = id_of.at(spec.tokens[pair.first] + spec.tokens[pair.second]);
      std::vector<int32_t> merged;
      for (size_t i = 0; i < ids.size(); ++i) {
        if (i + 1 < ids.size() && ids[i] == pair.first && ids[i + 1] == pair.second) {
          merged.push_back(result);
          ++i;
        } else {
          merged.push_back(ids[i]);
        }
      }
      ids = merged;
    }
    out.insert(out.end(), ids.begin(), ids.end());
  });
  return out;
}

std::string random_bytes(std::mt19937& rng, size_t max_len, bool text_like) {
  static const std::string common = "the and thou art my lord  \n,.'s!?ll";
  std::string s;
  size_t n = std::uniform_int_distribution<size_t>(0, max_len)(rng);
  for (size_t i = 0; i < n; ++i) {
    if (text_like && rng() % 4 != 0)
      s += common[rng() % common.size()];
    else
      s += static_cast<char>(rng() & 0xff);  // includes NUL and invalid UTF-8
  }
  return s;
}

}  // namespace

TEST_CASE("BPE encode equals GPT-2's reference merge loop") {
  const Tokenizer& tok = shakespeare_bpe();
  std::string text = read_shared("tinyshakespeare.txt", 1000000).substr(500000, 20000);
  CHECK(tok.encode(text) == naive_encode(tok.spec(), text));
  std::mt19937 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    std::string s = random_bytes(rng, 300, true);
    INFO("trial " << trial);
    CHECK(tok.encode(s) == naive_encode(tok.spec(), s));
  }
}

TEST_CASE("BPE round-trips every byte string") {
  const Tokenizer& tok = shakespeare_bpe();
  CHECK(tok.encode("").empty());
  CHECK(tok.decode(tok.encode(std::string("\0\0", 2))) == std::string("\0\0", 2));
  CHECK(tok.decode(tok.encode("<|endoftext|>")) == "<|endoftext|>");
  for (int32_t id : tok.encode("<|endoftext|>")) CHECK_FALSE(tok.is_special(id));
  std::mt19937 rng(5);
  for (int trial = 0; trial < 500; ++trial) {
    std::string s = random_bytes(rng, 500, trial % 2 == 0);
    INFO("trial " << trial);
    CHECK(tok.decode(tok.encode(s)) == s);
  }
  std::string long_run(100000, 'e');
  CHECK(tok.decode(tok.encode(long_run)) == long_run);
}

TEST_CASE("BPE compresses the text it was trained on") {
  const Tokenizer& tok = shakespeare_bpe();
  std::string text = read_shared("tinyshakespeare.txt", 100000);
  auto ids = tok.encode(text);
  CHECK(ids.size() < text.size() * 6 / 10);
  CHECK(tok.n_vocab() == 600);
  CHECK(tok.name() == "bpe:600");
}

TEST_CASE("BPE encode gives the same ids from several threads") {
  const Tokenizer& tok = shakespeare_bpe();
  std::string text = read_shared("tinyshakespeare.txt", 200000);
  auto expected = tok.encode(text);
  std::vector<std::vector<int32_t>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&, t] { got[t] = tok.encode(text); });
  for (auto& th : threads) th.join();
  for (const auto& g : got) CHECK(g == expected);
}

#pragma once
// Training of a byte-level BPE vocabulary.
//   1. Count chunks: the training text is pre-tokenised (trit/data/pretokenize.h) and each
//      distinct chunk ("word") is counted once in a hash map, so the cost of what follows
//      depends on the number of distinct words, not on the corpus size.
//   2. Count adjacent pairs of ids over all words, weighted by word count, in a hashed pair
//      table, together with the list of words each pair occurs in.
//   3. Repeat until the vocabulary is full or no pair occurs min_pair_count times: take the
//      pair with the highest count (ties: the smaller (left, right) ids), append it to the
//      merges, and merge it in every word that holds it, updating only the counts of the
//      pairs around the merged places (incremental; no recount). Candidates sit in a max-heap
//      with lazy deletion: an entry whose count is no longer current is skipped.
// Should a merge ever make the bytes of an existing token (not seen on random or real corpora:
// global merge order makes it very unlikely), it reuses that token's id, so token byte strings
// stay distinct (llama.cpp looks tokens up by their text). The result is deterministic: it
// depends only on the word counts, not on the order the text was added in.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "trit/data/tokenizer.h"

namespace trit::data {

struct BpeTrainOptions {
  int64_t n_vocab = 4096;       // total ids wanted: 256 bytes + merged tokens + specials
  bool end_of_text = true;      // add <|endoftext|> as the last id
  int64_t min_pair_count = 2;   // stop when the best pair occurs fewer times
};

class BpeTrainer {
 public:
  // Adds a whole text (pre-tokenised here), or one chunk already cut by pre-tokenisation.
  void add_text(std::string_view text);
  void add_chunk(std::string_view chunk, uint64_t count = 1);

  int64_t n_words() const { return static_cast<int64_t>(words_.size()); }
  uint64_t n_bytes() const { return n_bytes_; }

  // progress(new tokens so far, new tokens wanted) is called now and then.
  TokenizerSpec train(const BpeTrainOptions& options,
                      const std::function<void(int64_t, int64_t)>& progress = {}) const;

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint64_t, StringHash, std::equal_to<>> words_;
  uint64_t n_bytes_ = 0;
};

}  // namespace trit::data

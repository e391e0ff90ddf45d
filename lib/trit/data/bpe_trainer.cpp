#include "trit/data/bpe_trainer.h"

#include <algorithm>
#include <queue>

#include "trit/core/error.h"
#include "trit/data/bpe_tokenizer.h"
#include "trit/data/pair_table.h"
#include "trit/data/pretokenize.h"

namespace trit::data {
namespace {

struct Word {
  std::vector<int32_t> ids;
  int64_t count;
};

struct Candidate {
  int64_t count;
  uint64_t key;
  // Max-heap order: higher count first, then the smaller pair.
  bool operator<(const Candidate& o) const {
    return count != o.count ? count < o.count : key > o.key;
  }
};

// Merges every occurrence of (left, right) in `ids`, left to right, into `result`.
void merge_in_place(std::vector<int32_t>& ids, int32_t left, int32_t right, int32_t result) {
  size_t out = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i + 1 < ids.size() && ids[i] == left && ids[i + 1] == right) {
      ids[out++] = result;
      ++i;
    } else {
      ids[out++] = ids[i];
    }
  }
  ids.resize(out);
}

}  // namespace

void BpeTrainer::add_text(std::string_view text) {
  for_each_chunk(text, [&](std::string_view chunk) { add_chunk(chunk); });
}

void BpeTrainer::add_chunk(std::string_view chunk, uint64_t count) {
  n_bytes_ += chunk.size() * count;
  auto it = words_.find(chunk);
  if (it == words_.end()) it = words_.emplace(std::string(chunk), 0).first;
  it->second += count;
}

TokenizerSpec BpeTrainer::train(const BpeTrainOptions& options,
                                const std::function<void(int64_t, int64_t)>& progress) const {
  const int64_t n_special = options.end_of_text ? 1 : 0;
  TRIT_CHECK(options.n_vocab >= 256 + n_special, "BPE vocabulary size ", options.n_vocab,
             " is too small: it needs at least 256 byte tokens",
             options.end_of_text ? " and <|endoftext|>" : "");
  TRIT_CHECK(options.n_vocab <= (int64_t{1} << 30), "BPE vocabulary size ", options.n_vocab,
             " is too large");
  TokenizerSpec spec;
  spec.kind = "bpe";
  for (int b = 0; b < 256; ++b) spec.tokens.emplace_back(1, static_cast<char>(b));
  std::unordered_map<std::string, int32_t> token_ids;
  for (int b = 0; b < 256; ++b) token_ids.emplace(spec.tokens[b], b);

  std::vector<Word> words;
  words.reserve(words_.size());
  for (const auto& [bytes, count] : words_) {
    if (bytes.size() < 2) continue;  // nothing to merge
    Word w{{}, static_cast<int64_t>(count)};
    for (char c : bytes) w.ids.push_back(static_cast<uint8_t>(c));
    words.push_back(std::move(w));
  }

  PairTable<int64_t> counts(words.size() * 4);
  PairTable<std::vector<uint32_t>> where(words.size() * 4);
  for (uint32_t w = 0; w < words.size(); ++w) {
    const auto& ids = words[w].ids;
    for (size_t i = 0; i + 1 < ids.size(); ++i) {
      uint64_t key = pair_key(ids[i], ids[i + 1]);
      counts[key] += words[w].count;
      auto& list = where[key];
      if (list.empty() || list.back() != w) list.push_back(w);
    }
  }
  std::priority_queue<Candidate> heap;
  counts.for_each([&](uint64_t key, int64_t count) { heap.push({count, key}); });

  const int64_t n_target = options.n_vocab - n_special;
  const int64_t n_wanted = n_target - 256;
  std::vector<uint64_t> touched;
  while (static_cast<int64_t>(spec.tokens.size()) < n_target && !heap.empty()) {
    Candidate best = heap.top();
    heap.pop();
    if (*counts.find(best.key) != best.count) continue;  // stale entry
    if (best.count < options.min_pair_count) break;
    const int32_t left = pair_left(best.key), right = pair_right(best.key);
    std::string bytes = spec.tokens[left] + spec.tokens[right];
    auto [it, is_new] = token_ids.emplace(bytes, static_cast<int32_t>(spec.tokens.size()));
    if (is_new) spec.tokens.push_back(std::move(bytes));
    const int32_t result = it->second;
    spec.merges.emplace_back(left, right);

    // Remove the word's old pairs, merge, add its new pairs: exact, and cheap because words
    // are short (at most kMaxChunkBytes).
    std::vector<uint32_t> affected = std::move(*where.find(best.key));
    std::sort(affected.begin(), affected.end());
    affected.erase(std::unique(affected.begin(), affected.end()), affected.end());
    touched.clear();
    for (uint32_t w : affected) {
      Word& word = words[w];
      auto& ids = word.ids;
      for (size_t i = 0; i + 1 < ids.size(); ++i) {
        uint64_t key = pair_key(ids[i], ids[i + 1]);
        *counts.find(key) -= word.count;
        touched.push_back(key);
      }
      merge_in_place(ids, left, right, result);
      for (size_t i = 0; i + 1 < ids.size(); ++i) {
        uint64_t key = pair_key(ids[i], ids[i + 1]);
        counts[key] += word.count;
        touched.push_back(key);
        auto& list = where[key];
        if (list.empty() || list.back() != w) list.push_back(w);
      }
    }
    where.find(best.key)->clear();
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (uint64_t key : touched) {
      int64_t count = *counts.find(key);
      if (count > 0) heap.push({count, key});
    }
    if (progress && spec.merges.size() % 64 == 0)
      progress(static_cast<int64_t>(spec.tokens.size()) - 256, n_wanted);
  }
  if (options.end_of_text) {
    spec.tokens.emplace_back(kEndOfText);
    spec.n_special = 1;
  }
  if (progress) progress(static_cast<int64_t>(spec.tokens.size()) - 256 - n_special, n_wanted);
  return spec;
}

}  // namespace trit::data

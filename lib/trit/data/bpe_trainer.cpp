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

  PairTable<int64_t> counts(1 << 16);  // grows as needed; starts as byte pairs
  PairTable<std::vector<uint32_t>> where(1 << 16);
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
  std::vector<uint64_t> grown;
  PairTable<uint8_t> merged(static_cast<size_t>(n_wanted));
  while (static_cast<int64_t>(spec.tokens.size()) < n_target && !heap.empty()) {
    Candidate best = heap.top();
    heap.pop();
    const int64_t current = *counts.find(best.key);
    if (current != best.count) {  // stale entry
      if (current > 0 && current < best.count) heap.push({current, best.key});
      continue;
    }
    if (best.count < options.min_pair_count) break;
    const int32_t left = pair_left(best.key), right = pair_right(best.key);
    std::string bytes = spec.tokens[left] + spec.tokens[right];
    auto [it, is_new] = token_ids.emplace(bytes, static_cast<int32_t>(spec.tokens.size()));
    if (is_new) spec.tokens.push_back(std::move(bytes));
    const int32_t result = it->second;
    // A pair merged before can only form again after a merge that rebuilt an existing token;
    // its occurrences are merged but the merge table keeps the pair once.
    uint8_t& seen = merged[best.key];
    if (!seen) spec.merges.emplace_back(left, right);
    seen = 1;

    // Merge in every word holding the pair, adjusting only the pairs around each merged
    // place: x a b y -> x Z y removes (a,b), (x,a), (b,y) and adds (x,Z), (Z,y). Within a word
    // x may be the Z of the previous merge, whose (Z,a) was added just before: exact.
    std::vector<uint32_t> affected = std::move(*where.find(best.key));
    std::sort(affected.begin(), affected.end());
    affected.erase(std::unique(affected.begin(), affected.end()), affected.end());
    grown.clear();
    for (uint32_t w : affected) {
      auto& ids = words[w].ids;
      const int64_t c = words[w].count;
      auto add = [&](uint64_t key) {
        counts[key] += c;
        grown.push_back(key);
        auto& list = where[key];
        if (list.empty() || list.back() != w) list.push_back(w);
      };
      size_t out = 0;
      for (size_t i = 0; i < ids.size(); ++i) {
        if (i + 1 < ids.size() && ids[i] == left && ids[i + 1] == right) {
          counts[best.key] -= c;
          if (out > 0) {
            counts[pair_key(ids[out - 1], left)] -= c;
            add(pair_key(ids[out - 1], result));
          }
          if (i + 2 < ids.size()) {
            counts[pair_key(right, ids[i + 2])] -= c;
            add(pair_key(result, ids[i + 2]));
          }
          ids[out++] = result;
          ++i;
        } else {
          ids[out++] = ids[i];
        }
      }
      ids.resize(out);
    }
    where.find(best.key)->clear();
    // Grown counts get a fresh heap entry; shrunk ones are re-pushed when their old (too
    // high) entry comes to the top, so the top valid entry is always the true maximum.
    std::sort(grown.begin(), grown.end());
    grown.erase(std::unique(grown.begin(), grown.end()), grown.end());
    for (uint64_t key : grown) {
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

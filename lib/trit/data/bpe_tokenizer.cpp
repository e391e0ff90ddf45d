#include "trit/data/bpe_tokenizer.h"

#include <algorithm>

#include "trit/core/error.h"
#include "trit/data/pretokenize.h"

namespace trit::data {

BpeTokenizer::BpeTokenizer(TokenizerSpec spec, std::string_view ctx)
    : Tokenizer(std::move(spec)), merges_(spec_.merges.size()) {
  const int64_t n_plain = n_vocab() - spec_.n_special;
  std::unordered_map<std::string_view, int32_t> ids;
  for (int64_t i = 0; i < n_plain; ++i) ids.emplace(spec_.tokens[i], static_cast<int32_t>(i));
  for (size_t rank = 0; rank < spec_.merges.size(); ++rank) {
    auto [left, right] = spec_.merges[rank];
    TRIT_CHECK(left >= 0 && left < n_plain && right >= 0 && right < n_plain, ctx, ": merge ",
               rank, " (", left, ", ", right, ") refers to an id outside 0..", n_plain - 1);
    auto it = ids.find(spec_.tokens[left] + spec_.tokens[right]);
    TRIT_CHECK(it != ids.end(), ctx, ": merge ", rank, " (", left, ", ", right,
               ") makes bytes that are no token");
    Merge& m = merges_[pair_key(left, right)];
    TRIT_CHECK(m.result == 0, ctx, ": merge ", rank, " (", left, ", ", right,
               ") repeats an earlier merge");
    m = Merge{static_cast<int32_t>(rank), it->second};
  }
}

void BpeTokenizer::encode_chunk(std::string_view chunk, std::vector<int32_t>& out) const {
  const auto n = static_cast<int32_t>(chunk.size());
  if (n <= 1) {
    if (n == 1) out.push_back(static_cast<uint8_t>(chunk[0]));
    return;
  }
  struct Symbol {
    int32_t id, prev, next;  // id -1: merged into its left neighbour
  };
  struct Candidate {
    int32_t rank, pos;
    bool operator>(const Candidate& o) const {
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };
  // Scratch buffers kept per thread: no allocation per chunk once they have grown.
  thread_local std::vector<Symbol> sym;
  thread_local std::vector<Candidate> heap;
  sym.resize(static_cast<size_t>(n));
  heap.clear();
  for (int32_t i = 0; i < n; ++i) sym[i] = {static_cast<uint8_t>(chunk[i]), i - 1, i + 1 < n ? i + 1 : -1};
  auto consider = [&](int32_t pos) {
    if (pos < 0 || sym[pos].next < 0) return;
    if (const Merge* m = merges_.find(pair_key(sym[pos].id, sym[sym[pos].next].id))) {
      heap.push_back({m->rank, pos});
      std::push_heap(heap.begin(), heap.end(), std::greater<>{});
    }
  };
  for (int32_t i = 0; i + 1 < n; ++i) consider(i);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
    Candidate c = heap.back();
    heap.pop_back();
    Symbol& s = sym[c.pos];
    if (s.id < 0 || s.next < 0) continue;
    // Stale entry: the pair at this position changed since it was pushed.
    const Merge* m = merges_.find(pair_key(s.id, sym[s.next].id));
    if (m == nullptr || m->rank != c.rank) continue;
    Symbol& right = sym[s.next];
    s.id = m->result;
    right.id = -1;
    s.next = right.next;
    if (s.next >= 0) sym[s.next].prev = c.pos;
    consider(s.prev);
    consider(c.pos);
  }
  for (int32_t i = 0; i >= 0; i = sym[i].next) out.push_back(sym[i].id);
}

void BpeTokenizer::encode_cached(std::string_view chunk, std::vector<int32_t>& out) const {
  if (chunk.size() > kMaxCachedChunk) return encode_chunk(chunk, out);
  auto it = cache_.find(chunk);
  if (it == cache_.end()) {
    if (cache_.size() >= kMaxCacheEntries) cache_.clear();
    std::vector<int32_t> ids;
    encode_chunk(chunk, ids);
    it = cache_.emplace(std::string(chunk), std::move(ids)).first;
  }
  out.insert(out.end(), it->second.begin(), it->second.end());
}

void BpeTokenizer::encode(std::string_view bytes, std::vector<int32_t>& out) const {
  std::unique_lock lock(cache_mutex_, std::try_to_lock);
  for_each_chunk(bytes, [&](std::string_view chunk) {
    if (lock.owns_lock()) encode_cached(chunk, out);
    else encode_chunk(chunk, out);
  });
}

void BpeTokenizer::encode_pretoken(std::string_view chunk, std::vector<int32_t>& out) const {
  std::unique_lock lock(cache_mutex_, std::try_to_lock);
  if (lock.owns_lock()) encode_cached(chunk, out);
  else encode_chunk(chunk, out);
}

}  // namespace trit::data

#pragma once
// Byte-level BPE (GPT-2 style). Text is cut into chunks by pre-tokenisation
// (trit/data/pretokenize.h); inside each chunk the bytes start as ids 0..255 and the pair of
// adjacent ids with the lowest merge rank is merged repeatedly (leftmost first among equal
// ranks) until no adjacent pair has a merge. Special tokens are never produced by encode:
// the text "<|endoftext|>" in the input encodes as ordinary bytes, so decode(encode(x)) == x.
//
// Merge lookup: a hash table keyed by the pair (left id, right id) giving (rank, result).
// Merging uses a min-heap over (rank, position) with a linked list of symbols, so a chunk of
// n bytes costs O(n log n). Encoded chunks are cached (bounded); the cache is used only when
// its lock is free, so concurrent callers never wait and always get the same ids.
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "trit/data/pair_table.h"
#include "trit/data/tokenizer.h"

namespace trit::data {

inline constexpr std::string_view kEndOfText = "<|endoftext|>";

class BpeTokenizer final : public Tokenizer {
 public:
  // `spec` must have passed make_tokenizer's checks of the byte tokens; the merges are
  // checked here (ids in range, not special, result present, no pair twice). `ctx` prefixes
  // error messages.
  BpeTokenizer(TokenizerSpec spec, std::string_view ctx);

  using Tokenizer::encode;
  void encode(std::string_view bytes, std::vector<int32_t>& out) const override;
  void encode_pretoken(std::string_view chunk, std::vector<int32_t>& out) const override;
  // One pre-tokenised chunk, without the cache.
  void encode_chunk(std::string_view chunk, std::vector<int32_t>& out) const;

  int64_t n_merges() const { return static_cast<int64_t>(spec_.merges.size()); }

 private:
  struct Merge {
    int32_t rank = 0;
    int32_t result = 0;
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static constexpr size_t kMaxCachedChunk = 64;
  static constexpr size_t kMaxCacheEntries = size_t{1} << 20;

  // Encodes one chunk through the cache; the caller holds cache_mutex_.
  void encode_cached(std::string_view chunk, std::vector<int32_t>& out) const;

  PairTable<Merge> merges_;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<int32_t>, StringHash, std::equal_to<>>
      cache_;
};

}  // namespace trit::data

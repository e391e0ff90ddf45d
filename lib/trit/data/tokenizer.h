#pragma once
// Tokenizers map byte strings to token ids and back. Every tokenizer here is byte-level: ids
// 0..255 are the single bytes, so any byte string (invalid UTF-8, NUL bytes, empty) encodes
// and decode(encode(x)) == x exactly.
//
// A tokenizer is stored inside the dataset file (and later the checkpoint) in its
// serialisable form, TokenizerSpec, from which make_tokenizer() rebuilds it:
//   kind    "bytes" (256 ids) or "bpe" (byte-level BPE)
//   tokens  the byte string of every id, index = id; all distinct
//           ids 0..255: the byte with that value; then tokens made by merges in the order
//           they were created; then special tokens (their text, e.g. "<|endoftext|>")
//   merges  (left id, right id) pairs in priority order (rank = index); the result of a merge
//           is the token whose bytes are tokens[left] + tokens[right]
//   n_special  how many of the last ids are special tokens (never produced by encode)
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trit::data {

struct TokenizerSpec {
  std::string kind;
  std::vector<std::string> tokens;
  std::vector<std::pair<int32_t, int32_t>> merges;
  int32_t n_special = 0;
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Appends the ids of `bytes` to `out`. Safe to call from several threads at once.
  virtual void encode(std::string_view bytes, std::vector<int32_t>& out) const = 0;
  std::vector<int32_t> encode(std::string_view bytes) const;
  // Appends the ids of one pre-token (a chunk cut by trit/data/pretokenize.h), which is not
  // cut further; streaming encoders use it with the chunks of for_each_final_chunk.
  virtual void encode_pretoken(std::string_view chunk, std::vector<int32_t>& out) const {
    encode(chunk, out);
  }

  // Concatenates the tokens' byte strings (a special token yields its text). Throws on an
  // id outside 0..n_vocab()-1.
  std::string decode(std::span<const int32_t> ids) const;

  int64_t n_vocab() const { return static_cast<int64_t>(spec_.tokens.size()); }
  const std::string& token_bytes(int32_t id) const;
  bool is_special(int32_t id) const { return id >= n_vocab() - spec_.n_special && id < n_vocab(); }
  // "bytes" or "bpe:<n_vocab>"
  std::string name() const;
  const TokenizerSpec& spec() const { return spec_; }

 protected:
  explicit Tokenizer(TokenizerSpec spec) : spec_(std::move(spec)) {}
  TokenizerSpec spec_;
};

// Checks a spec (first 256 tokens are the bytes, tokens distinct, merges refer to existing
// ids and produce existing tokens) and builds its tokenizer. `where` names the source (a
// file) in error messages.
std::unique_ptr<Tokenizer> make_tokenizer(TokenizerSpec spec, std::string_view where = "");

}  // namespace trit::data

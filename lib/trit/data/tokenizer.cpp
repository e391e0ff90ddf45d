#include "trit/data/tokenizer.h"

#include <unordered_map>

#include "trit/core/error.h"
#include "trit/data/bpe_tokenizer.h"
#include "trit/data/byte_tokenizer.h"

namespace trit::data {

std::vector<int32_t> Tokenizer::encode(std::string_view bytes) const {
  std::vector<int32_t> ids;
  encode(bytes, ids);
  return ids;
}

std::string Tokenizer::decode(std::span<const int32_t> ids) const {
  std::string out;
  for (int32_t id : ids) out += token_bytes(id);
  return out;
}

const std::string& Tokenizer::token_bytes(int32_t id) const {
  TRIT_CHECK(id >= 0 && id < n_vocab(), "token id ", id, " is outside the vocabulary of ",
             name(), " (0..", n_vocab() - 1, ")");
  return spec_.tokens[static_cast<size_t>(id)];
}

std::string Tokenizer::name() const {
  if (spec_.kind == "bytes") return "bytes";
  return str_cat(spec_.kind, ":", n_vocab());
}

std::unique_ptr<Tokenizer> make_tokenizer(TokenizerSpec spec, std::string_view where) {
  std::string ctx = where.empty() ? std::string("tokenizer") : str_cat(where, ": tokenizer");
  TRIT_CHECK(spec.tokens.size() >= 256, ctx, " has ", spec.tokens.size(),
             " tokens, expected at least the 256 byte tokens");
  for (int b = 0; b < 256; ++b)
    TRIT_CHECK(spec.tokens[b] == std::string(1, static_cast<char>(b)), ctx, ": token ", b,
               " is not the single byte ", b);
  auto n = static_cast<int64_t>(spec.tokens.size());
  TRIT_CHECK(spec.n_special >= 0 && spec.n_special <= n - 256, ctx, ": n_special ",
             spec.n_special, " is out of range");
  std::unordered_map<std::string_view, int32_t> ids;
  for (int64_t i = 0; i < n; ++i) {
    TRIT_CHECK(!spec.tokens[i].empty(), ctx, ": token ", i, " is empty");
    TRIT_CHECK(ids.emplace(spec.tokens[i], static_cast<int32_t>(i)).second, ctx, ": token ", i,
               " repeats the bytes of token ", ids[spec.tokens[i]]);
  }
  if (spec.kind == "bytes") {
    TRIT_CHECK(n == 256 && spec.merges.empty() && spec.n_special == 0, ctx,
               ": kind \"bytes\" must have exactly 256 tokens and no merges");
    return std::make_unique<ByteTokenizer>();
  }
  if (spec.kind == "bpe") return std::make_unique<BpeTokenizer>(std::move(spec), ctx);
  fail(ctx, ": unknown kind \"", spec.kind, "\", expected \"bytes\" or \"bpe\"");
}

}  // namespace trit::data

#pragma once
// The byte tokenizer: id = byte value, 256 ids, no merges, no special tokens.
#include "trit/data/tokenizer.h"

namespace trit::data {

class ByteTokenizer final : public Tokenizer {
 public:
  ByteTokenizer();
  using Tokenizer::encode;
  void encode(std::string_view bytes, std::vector<int32_t>& out) const override;
};

TokenizerSpec byte_tokenizer_spec();

}  // namespace trit::data

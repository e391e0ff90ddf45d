#include "trit/data/byte_tokenizer.h"

namespace trit::data {

TokenizerSpec byte_tokenizer_spec() {
  TokenizerSpec spec;
  spec.kind = "bytes";
  for (int b = 0; b < 256; ++b) spec.tokens.emplace_back(1, static_cast<char>(b));
  return spec;
}

ByteTokenizer::ByteTokenizer() : Tokenizer(byte_tokenizer_spec()) {}

void ByteTokenizer::encode(std::string_view bytes, std::vector<int32_t>& out) const {
  out.reserve(out.size() + bytes.size());
  for (char c : bytes) out.push_back(static_cast<uint8_t>(c));
}

}  // namespace trit::data

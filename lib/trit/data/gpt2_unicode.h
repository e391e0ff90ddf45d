#pragma once
// GPT-2's byte-to-unicode alphabet, used to export a byte-level vocabulary as a GGUF `gpt2`
// tokenizer (tokenizer.ggml.tokens and tokenizer.ggml.merges hold text, not bytes).
// Each byte maps to one Unicode code point:
//   bytes '!'..'~' (0x21-0x7E), 0xA1-0xAC and 0xAE-0xFF map to the code point of equal value;
//   the other 68 bytes (0x00-0x20, 0x7F-0xA0, 0xAD), in increasing order, map to U+0100,
//   U+0101, ... U+0143 (so the space 0x20 becomes U+0120 'Ġ' and '\n' 0x0A becomes U+010A 'Ċ').
// A token's text is the UTF-8 encoding of the code points of its bytes, in order. Special
// tokens are rendered as their own text ("<|endoftext|>"), as GPT-2's vocabulary does.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trit/data/tokenizer.h"

namespace trit::data {

// The code point GPT-2 assigns to byte b.
uint32_t gpt2_code_point(uint8_t b);

// `bytes` rendered in GPT-2's alphabet (UTF-8 text).
std::string gpt2_render_bytes(std::string_view bytes);

// Inverse of gpt2_render_bytes; throws on text outside the alphabet.
std::string gpt2_parse_text(std::string_view text);

// Every token's text, index = id (tokenizer.ggml.tokens).
std::vector<std::string> gpt2_token_texts(const Tokenizer& tokenizer);

// Every merge as "LEFT RIGHT" with both sides rendered, in rank order (tokenizer.ggml.merges).
std::vector<std::string> gpt2_merge_texts(const Tokenizer& tokenizer);

}  // namespace trit::data

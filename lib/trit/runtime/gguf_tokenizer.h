#pragma once
// trit's tokenizer (data/tokenizer.h) rebuilt from a GGUF `gpt2` vocabulary:
//   tokenizer.ggml.model       "gpt2" (byte-level BPE); anything else gives no tokenizer
//   tokenizer.ggml.tokens      string[]: each token's bytes in GPT-2's byte-unicode alphabet
//                              (data/gpt2_unicode.h), ids 0..255 the single bytes
//   tokenizer.ggml.token_type  i32[] (optional): 3 CONTROL / 4 USER_DEFINED tokens are
//                              special (their text is their bytes); they must come last
//   tokenizer.ggml.merges      string[] "LEFT RIGHT" in rank order; a merge whose result is
//                              not a token (a dummy that never fires) is skipped
// The spec has kind "bytes" for exactly 256 byte tokens and no merges, else "bpe".
#include <optional>

#include "trit/data/tokenizer.h"
#include "trit/formats/gguf_reader.h"

namespace trit::runtime {

// nullopt when the file has no gpt2 vocabulary; errors name the file and the token.
std::optional<data::TokenizerSpec> tokenizer_from_gguf(const formats::GgufReader& reader);

}  // namespace trit::runtime

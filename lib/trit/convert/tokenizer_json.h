#pragma once
// Tokenizer keys (tokenizer.ggml.*) to and from JSON, for safetensors files:
//   - trit's own form, stored in a safetensors file's __metadata__ as "trit.tokenizer": a JSON
//     object whose keys are the GGUF keys and whose values are strings, numbers, booleans or
//     arrays of them (u32 keys as integers, token_type as integers);
//   - a Hugging Face tokenizer.json of a byte-level BPE model ("model": {"type": "BPE", "vocab",
//     "merges"}, "added_tokens"), read only.
#include <string>

#include <nlohmann/json.hpp>

#include "trit/formats/gguf_value.h"

namespace trit::convert {

std::string tokenizer_to_json_text(const formats::GgufMetadata& tokenizer);
formats::GgufMetadata tokenizer_from_json_text(const std::string& text, const std::string& where);
formats::GgufMetadata tokenizer_from_hf_json(const nlohmann::json& j, const std::string& where);

}  // namespace trit::convert

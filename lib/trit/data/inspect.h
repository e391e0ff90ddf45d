#pragma once
// `trit-data inspect`: a human-readable summary of a dataset file.
#include <cstdint>
#include <string>

#include "trit/data/dataset_file.h"

namespace trit::data {

// Tokenizer, vocabulary, tokens and bytes per split, sources with sizes and checksums, and
// the first `sample_tokens` tokens of train decoded (escaped) and shown token by token.
std::string describe_dataset(const DatasetFile& file, int64_t sample_tokens = 48);

// Bytes shown printably: ASCII as is, \n \t \\ \" escaped, other bytes as \xNN (valid UTF-8
// multi-byte characters are kept when keep_utf8).
std::string escape_bytes(std::string_view bytes, bool keep_utf8 = true);

// 1234567 -> "1,234,567"
std::string with_commas(int64_t n);

}  // namespace trit::data

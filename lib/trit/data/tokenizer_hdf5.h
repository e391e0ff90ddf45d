#pragma once
// A tokenizer (TokenizerSpec) stored in an HDF5 group, as in the dataset file's /tokenizer
// (layout in trit/data/dataset_file.h); for use inside libtrit by any HDF5 file that carries a
// tokenizer (dataset, checkpoint). Includes the HDF5 C API.
//   attributes kind, name (string), n_vocab, n_merges, n_special (int64)
//   token_bytes    uint8 [sum of token lengths]
//   token_offsets  int64 [n_vocab + 1]
//   merges         int32 [n_merges, 2]
#include <hdf5.h>

#include <string>

#include "trit/data/tokenizer.h"

namespace trit::data {

// Creates group `name` under `parent` and writes the tokenizer (checked first). Returns its name
// ("bytes" or "bpe:<n_vocab>"). `where` names the file in errors.
std::string write_tokenizer_group(hid_t parent, const char* name, const TokenizerSpec& spec,
                                  const std::string& where);

// Reads group `name` under `parent`; checks its shapes and types and the spec itself
// (make_tokenizer's checks). Errors start with `where`.
TokenizerSpec read_tokenizer_group(hid_t parent, const char* name, const std::string& where);

}  // namespace trit::data

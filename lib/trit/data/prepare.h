#pragma once
// `trit-data prepare`: input files -> tokenised dataset file (trit/data/dataset_file.h).
//
// The inputs (files, folders read recursively) form one byte stream in the listed order.
// Split (nanoGPT's convention): train = the first floor(N * (1 - val_fraction)) bytes of the
// N-byte stream, val = the rest; in utf8 mode the boundary moves forward to the next character
// start. Each file, and each side of the split, is tokenised on its own: no token spans a file
// boundary or the split.
// BPE (--tokenizer bpe:N) is trained on the first bpe_sample_bytes of the train part (not on
// val), then the whole stream is encoded. N counts all ids: 256 bytes + merged tokens + the
// special <|endoftext|> (id N - 1); training may stop earlier when no pair repeats, giving a
// smaller vocabulary. Files are read in blocks, so memory does not grow with the corpus
// (except BPE training, which holds the distinct words of its sample).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "trit/data/dataset_file.h"

namespace trit::data {

struct PrepareOptions {
  std::vector<std::string> inputs;
  std::filesystem::path output;
  std::string tokenizer = "bytes";          // "bytes" | "bpe:N"
  double val_fraction = 0.1;
  std::string encoding = "utf8";            // "utf8" (validated) | "bytes" (anything)
  int64_t bpe_sample_bytes = int64_t{64} << 20;
  int compression = 0;                      // deflate level of the token datasets
  size_t block_bytes = size_t{1} << 20;     // read size (small values test the streaming)
};

struct PrepareReport {
  std::string tokenizer;
  int64_t n_vocab = 0;
  SplitInfo train, val;
  int64_t n_files = 0, total_bytes = 0;
  int64_t bpe_sample_bytes = 0;   // bytes the BPE was trained on (0 for bytes)
  double bpe_count_seconds = 0, bpe_merge_seconds = 0, encode_seconds = 0;
};

// progress(phase, done, total): phases "bpe-count" (bytes), "bpe-merge" (tokens), "encode"
// (bytes); called often enough for a live display.
using PrepareProgress = std::function<void(const char* phase, int64_t done, int64_t total)>;

PrepareReport prepare_dataset(const PrepareOptions& options, const PrepareProgress& progress = {});

// "bytes" -> 0; "bpe:N" -> N; anything else throws.
int64_t parse_tokenizer_choice(const std::string& choice);

}  // namespace trit::data

#pragma once
// The trit dataset file: a tokenised corpus split into train and val, with its tokenizer.
// HDF5, format_version 1. Layout (all integers little-endian; strings variable-length UTF-8):
//
//   /                          attributes
//     format          string   "trit-dataset"
//     format_version  int64    1
//     tokenizer       string   tokenizer name: "bytes" or "bpe:<n_vocab>"
//     n_vocab         int64    number of token ids
//     encoding        string   "utf8" (inputs were checked to be UTF-8) or "bytes"
//     val_fraction    float64  share of the stream's bytes that went to val
//     split_rule      string   how the split was made, in words
//     created_by      string   "trit-data <version>"
//   /train, /val               groups, attributes n_tokens (int64) and n_bytes (int64: raw
//                              input bytes the tokens encode, for bits per byte)
//   /train/tokens, /val/tokens 1-D token ids in stream order; uint16 when n_vocab <= 65536,
//                              else int32; chunked, Fletcher-32 checksums on every chunk,
//                              deflate (with byte shuffle) when asked for
//   /tokenizer                 group, attributes kind ("bytes" | "bpe"), name, n_vocab,
//                              n_merges, n_special (int64)
//     token_bytes    uint8 [sum of token lengths]  every token's bytes, concatenated by id
//     token_offsets  int64 [n_vocab + 1]  token i is token_bytes[offsets[i] : offsets[i+1]]
//     merges         int32 [n_merges, 2]  (left id, right id) in rank order
//   /sources                   group, attributes n_files (int64), total_bytes (int64)
//     path     string [n_files]  input files in the order they were read
//     n_bytes  int64  [n_files]  size of each file
//     sha256   string [n_files]  hex SHA-256 of each file's bytes
//
// The writer streams: tokens are appended in chunks, memory does not grow with the corpus. It
// writes to "<path>.tmp-<pid>" and renames over <path> in finish(); a writer destroyed before
// finish() removes its temporary file, so a failed run never leaves a half-written dataset.
// The reader checks the format, version, types, shapes and the tokenizer when it opens the
// file, and checks ids against n_vocab on every read; each error names the file.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "trit/data/tokenizer.h"

namespace trit::data {

inline constexpr const char* kDatasetFormat = "trit-dataset";
inline constexpr int64_t kDatasetFormatVersion = 1;

enum class Split { train, val };
const char* split_name(Split split);
Split parse_split(std::string_view name);  // "train" | "val"

struct SourceInfo {
  std::string path;
  int64_t n_bytes = 0;
  std::string sha256;
};

struct SplitInfo {
  int64_t n_tokens = 0;
  int64_t n_bytes = 0;
};

struct DatasetWriterOptions {
  int compression = 0;               // deflate level 0 (off) .. 9
  int64_t chunk_tokens = 1 << 14;    // HDF5 chunk size of the token datasets (32 KiB as uint16)
  std::string encoding = "bytes";
  double val_fraction = 0.1;
  std::string split_rule = "";
};

class DatasetWriter {
 public:
  DatasetWriter(std::filesystem::path path, const TokenizerSpec& tokenizer,
                DatasetWriterOptions options);
  ~DatasetWriter();
  DatasetWriter(const DatasetWriter&) = delete;
  DatasetWriter& operator=(const DatasetWriter&) = delete;

  // Appends ids to a split; n_bytes is the number of input bytes they encode.
  void append(Split split, std::span<const int32_t> ids, int64_t n_bytes);
  void add_source(SourceInfo source);
  const SplitInfo& split_info(Split split) const;
  // Flushes, writes the metadata, closes and renames the file into place.
  void finish();

 private:
  struct Impl;  // HDF5 handles stay out of this header
  std::unique_ptr<Impl> impl_;
};

class DatasetFile {
 public:
  explicit DatasetFile(std::filesystem::path path);
  ~DatasetFile();
  DatasetFile(DatasetFile&&) noexcept;
  DatasetFile& operator=(DatasetFile&&) noexcept;

  const std::filesystem::path& path() const;
  const TokenizerSpec& tokenizer_spec() const;
  std::unique_ptr<Tokenizer> make_tokenizer() const;
  int64_t n_vocab() const;
  const SplitInfo& split(Split s) const;
  const std::vector<SourceInfo>& sources() const;
  // A root string attribute (encoding, split_rule, created_by, tokenizer).
  std::string attribute(const char* name) const;
  double val_fraction() const;

  // Reads tokens [start, start + count) of a split into out; throws if the range is outside
  // the split or an id is not below n_vocab.
  void read(Split s, int64_t start, int64_t count, int32_t* out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trit::data

#pragma once
// Input corpora for trit-data: listing the files behind the command line's inputs and reading
// them as one byte stream in blocks.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace trit::data {

struct InputFile {
  std::filesystem::path path;
  int64_t n_bytes = 0;
};

// Files behind `inputs`, in order: a file stands for itself; a folder for every regular file
// below it, recursively, sorted by path (byte order) for determinism; names starting with '.'
// inside folders (.git, .DS_Store) are skipped. A file reached twice is kept once (first
// place). Throws on a missing input or when no file is found.
std::vector<InputFile> list_input_files(const std::vector<std::string>& inputs);

// Reads a file in blocks; throws with the file name on open or read errors.
class BlockReader {
 public:
  explicit BlockReader(const std::filesystem::path& path, size_t block_bytes = size_t{1} << 20);
  // Next block (empty at the end of the file).
  std::string_view next();

 private:
  std::filesystem::path path_;
  std::ifstream in_;
  std::string buffer_;
};

}  // namespace trit::data

#pragma once
// safetensors (Hugging Face): a JSON header followed by raw little-endian tensor bytes.
//
//   offset  size  field
//   0       8     u64 N: length of the JSON header in bytes (at most 100,000,000)
//   8       N     JSON object, UTF-8, may be padded at the end with spaces (0x20):
//                   "__metadata__": {"key": "value", ...}            optional, strings only
//                   "<tensor name>": {"dtype": "F32",
//                                     "shape": [d0, d1, ...],        row-major, outermost first
//                                     "data_offsets": [begin, end]}  relative to byte 8 + N
//   8 + N   ...   data section: every tensor's bytes, row-major, little-endian
//
// dtypes read and written: F32 F16 BF16 I8 U8 F64 I32 (others are rejected by name).
// Rules the reader enforces: end - begin = numel * dtype size, and the tensors, sorted by
// begin, tile the data section exactly (no gaps, no overlap, nothing after the last one).
// The writer stores tensors in the order added, __metadata__ first, and pads the header with
// spaces so the data section starts at a multiple of 8 (as the Hugging Face writer does).
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "trit/core/dtype.h"
#include "trit/formats/mapped_file.h"

namespace trit::formats {

inline constexpr uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;

struct SafetensorsTensor {
  std::string name;
  DType dtype = DType::f32;
  std::vector<int64_t> shape;  // row-major, outermost first; may be empty (a scalar)
  uint64_t begin = 0;          // relative to the data section
  uint64_t end = 0;
  uint64_t n_bytes() const { return end - begin; }
};

struct SafetensorsHeader {
  std::map<std::string, std::string> metadata;
  std::vector<SafetensorsTensor> tensors;  // sorted by begin offset
  uint64_t data_offset = 0;                // absolute: 8 + N

  const SafetensorsTensor* find_tensor(std::string_view name) const;
};

// "F32", "BF16", ...; throws for trit dtypes safetensors files do not carry.
std::string_view safetensors_dtype_name(DType dtype);
// Throws naming `context` and listing the supported names.
DType parse_safetensors_dtype(std::string_view name, std::string_view context);

// Parses and validates a whole file image; `source` (the file name) starts every error.
SafetensorsHeader parse_safetensors(std::span<const std::byte> file, std::string_view source);

class SafetensorsReader {
 public:
  explicit SafetensorsReader(const std::filesystem::path& path);
  const std::filesystem::path& path() const { return file_.path(); }
  uint64_t file_size() const { return file_.size(); }
  const SafetensorsHeader& header() const { return header_; }
  const std::map<std::string, std::string>& metadata() const { return header_.metadata; }
  const std::vector<SafetensorsTensor>& tensors() const { return header_.tensors; }
  const SafetensorsTensor& tensor(std::string_view name) const;  // throws naming the file
  std::span<const std::byte> tensor_data(const SafetensorsTensor& t) const;

 private:
  MappedFile file_;
  SafetensorsHeader header_;
};

class SafetensorsWriter {
 public:
  std::map<std::string, std::string>& metadata() { return metadata_; }
  // `data` is not copied and must stay valid until write(); size must be numel * dtype size.
  void add_tensor(std::string name, DType dtype, std::vector<int64_t> shape, std::span<const std::byte> data);
  void add_tensor(std::string name, DType dtype, std::vector<int64_t> shape, std::vector<std::byte> data);
  void write(const std::filesystem::path& path) const;

 private:
  std::map<std::string, std::string> metadata_;
  std::vector<SafetensorsTensor> tensors_;
  std::vector<std::span<const std::byte>> data_;
  std::vector<std::vector<std::byte>> owned_;
};

}  // namespace trit::formats

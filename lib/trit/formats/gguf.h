#pragma once
// GGUF (versions 2 and 3; trit writes 3): llama.cpp's model file. All numbers little-endian.
//
//   offset  size      field
//   0       4         magic "GGUF" (47 47 55 46)
//   4       4         u32 version: 3 (2 has the same layout and is read; 1 is rejected)
//   8       8         u64 n_tensors
//   16      8         u64 n_kv
//   24      ...       n_kv key/value pairs:
//                       string key (non-empty, unique)
//                       u32    value type: u8=0 i8=1 u16=2 i16=3 u32=4 i32=5 f32=6 bool=7
//                              string=8 array=9 u64=10 i64=11 f64=12
//                       value: scalars in their natural size, bool = 1 byte (0/1),
//                              string = u64 length + bytes (UTF-8, no terminating NUL),
//                              array = u32 element type + u64 count + count elements
//                              (arrays of arrays are rejected)
//           ...       n_tensors tensor infos:
//                       string name (unique, 1..63 bytes: ggml's GGML_MAX_NAME is 64 with NUL)
//                       u32    n_dims (0..4)
//                       i64    ne[n_dims]: ne[0] is the innermost (contiguous) dimension; each > 0;
//                              ne[0] a multiple of the type's block size
//                       u32    ggml type id (trit/formats/gguf_types.h)
//                       u64    offset of the data, relative to the start of the data section
//           ...       zero padding up to a multiple of the alignment
//   D       ...       data section: tensor blobs in info order, each starting at a multiple of
//                     the alignment (relative to D), padded with zeros to the alignment.
//
// The alignment is metadata `general.alignment` (u32, a power of two) or 32 when absent.
// A tensor's size is (product of ne) / block_size * bytes_per_block.
// Rules the reader enforces: offsets aligned, increasing in info order, non-overlapping, and
// every blob inside the file. The writer writes offsets as the running sum of padded sizes
// (the strict rule of current llama.cpp). A file with no tensors may end without padding.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "trit/formats/gguf_value.h"

namespace trit::formats {

inline constexpr char kGgufMagic[4] = {'G', 'G', 'U', 'F'};
inline constexpr uint32_t kGgufVersion = 3;
inline constexpr uint32_t kGgufDefaultAlignment = 32;
inline constexpr uint32_t kGgufMaxDims = 4;
inline constexpr size_t kGgufMaxNameBytes = 63;
inline constexpr std::string_view kGgufAlignmentKey = "general.alignment";

struct GgufTensorInfo {
  std::string name;
  uint32_t type = 0;           // ggml type id (raw; may be one trit has no codec for)
  std::vector<int64_t> shape;  // ne order: shape[0] is the innermost dimension
  uint64_t offset = 0;         // relative to the data section
  uint64_t n_bytes = 0;
};

// Byte size of a tensor of ggml `type` and `shape`, after checking the type is known, the dims
// are positive, ne[0] fits the block size and nothing overflows. `context` prefixes errors.
uint64_t ggml_tensor_bytes(uint32_t type, std::span<const int64_t> shape, std::string_view context);

// The alignment named by `general.alignment` (checked: u32, power of two) or the default.
uint32_t gguf_alignment(const GgufMetadata& metadata, std::string_view context);

// Rounds up to a multiple of `alignment` (a power of two); throws on overflow.
uint64_t align_up(uint64_t value, uint64_t alignment);

// Everything before the data section, validated against the whole file image.
struct GgufHeader {
  uint32_t version = kGgufVersion;
  uint32_t alignment = kGgufDefaultAlignment;
  GgufMetadata metadata;
  std::vector<GgufTensorInfo> tensors;
  uint64_t data_offset = 0;  // absolute file offset of the data section

  const GgufTensorInfo* find_tensor(std::string_view name) const;

 private:
  friend GgufHeader parse_gguf(std::span<const std::byte>, std::string_view);
  std::unordered_map<std::string, size_t> index_;
};

// Parses and validates a whole GGUF file image; `source` (the file name) starts every error.
GgufHeader parse_gguf(std::span<const std::byte> file, std::string_view source);

}  // namespace trit::formats

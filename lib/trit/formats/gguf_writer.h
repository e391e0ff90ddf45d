#pragma once
// Writes a GGUF v3 file (format: trit/formats/gguf.h): metadata in insertion order, tensors
// in the order added, offsets the running sum of sizes padded to the alignment. The file
// appears atomically (temporary + rename); a failed write leaves nothing behind.
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "trit/formats/gguf.h"

namespace trit::formats {

class GgufWriter {
 public:
  // Set general.alignment (u32, power of two) here to change the alignment from 32.
  GgufMetadata& metadata() { return metadata_; }
  const GgufMetadata& metadata() const { return metadata_; }

  // `data` is not copied: it must stay valid until write(). Its size must match type and
  // shape (ne order, innermost first); every problem throws naming the tensor.
  void add_tensor(std::string name, uint32_t type, std::vector<int64_t> shape, std::span<const std::byte> data);
  // Same, keeping its own copy of the bytes.
  void add_tensor(std::string name, uint32_t type, std::vector<int64_t> shape, std::vector<std::byte> data);

  void write(const std::filesystem::path& path) const;

 private:
  GgufMetadata metadata_;
  std::vector<GgufTensorInfo> infos_;              // offsets are filled in by write()
  std::vector<std::span<const std::byte>> data_;
  std::vector<std::vector<std::byte>> owned_;      // buffers of the copying add_tensor
};

}  // namespace trit::formats

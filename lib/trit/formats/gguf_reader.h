#pragma once
// Reads a GGUF file (format: trit/formats/gguf.h) through a memory map. The whole header is
// validated on open; tensor data are views into the map, valid while the reader lives.
#include <filesystem>
#include <span>
#include <string_view>

#include "trit/formats/gguf.h"
#include "trit/formats/mapped_file.h"

namespace trit::formats {

class GgufReader {
 public:
  explicit GgufReader(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return file_.path(); }
  uint64_t file_size() const { return file_.size(); }
  const GgufHeader& header() const { return header_; }
  uint32_t version() const { return header_.version; }
  uint32_t alignment() const { return header_.alignment; }
  const GgufMetadata& metadata() const { return header_.metadata; }
  const std::vector<GgufTensorInfo>& tensors() const { return header_.tensors; }

  // The value of metadata `key` as T; a missing key or another type throws naming the file.
  template <typename T>
  const T& get(std::string_view key) const {
    try {
      return header_.metadata.get<T>(key);
    } catch (const Error& e) {
      fail(path().string(), ": ", e.what());
    }
  }

  const GgufTensorInfo* find_tensor(std::string_view name) const { return header_.find_tensor(name); }
  const GgufTensorInfo& tensor(std::string_view name) const;  // throws naming the file
  std::span<const std::byte> tensor_data(const GgufTensorInfo& info) const;

 private:
  MappedFile file_;
  GgufHeader header_;
};

}  // namespace trit::formats

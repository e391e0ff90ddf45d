#pragma once
// A read-only memory map of a whole file (RAII). Readers parse the bytes in place and
// validate every length and offset before trusting it, so the map is never read out of range.
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>

namespace trit::formats {

class MappedFile {
 public:
  // Throws trit::Error naming the file when it cannot be opened, stat'ed or mapped.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const std::byte> bytes() const { return {data_, size_}; }
  size_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  void release() noexcept;

  std::filesystem::path path_;
  const std::byte* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace trit::formats

#pragma once
// A file opened for appending whole records with single write(2) calls, so that a record is
// either entirely in the kernel's page cache or not at all (short of a crash or a full disk,
// which raise an error naming the file). Nothing is buffered in user space.
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace trit::telemetry {

class AppendFile {
 public:
  AppendFile() = default;
  // Opens (creating it if needed) `path` for appending; the parent folder must exist.
  explicit AppendFile(const std::filesystem::path& path);
  AppendFile(AppendFile&& other) noexcept;
  AppendFile& operator=(AppendFile&& other) noexcept;
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;
  ~AppendFile();

  bool is_open() const { return fd_ >= 0; }
  const std::filesystem::path& path() const { return path_; }
  uint64_t size() const;  // current length in bytes

  void append(std::string_view bytes);  // throws trit::Error naming the file on failure
  void truncate(uint64_t length);       // cut the file to `length` bytes
  void close();                         // idempotent; throws if the close reports an error

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace trit::telemetry

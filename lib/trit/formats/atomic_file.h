#pragma once
// Writing a file so that readers see either the old file or the complete new one, never a
// half-written one: write to a temporary name in the same folder, flush it to disk, then
// rename over the target. If anything throws before commit(), the temporary is removed.
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string_view>

namespace trit::formats {

// A temporary path next to `target` that is deleted on destruction unless committed.
// Used directly by writers whose library creates the file itself (HDF5).
class TempPath {
 public:
  explicit TempPath(const std::filesystem::path& target);
  ~TempPath();
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;

  const std::filesystem::path& path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }
  // fsyncs the temporary, renames it onto the target and fsyncs the folder.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

// A stream of bytes to a TempPath; every write is checked, commit() makes it visible.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(const std::filesystem::path& target);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(std::span<const std::byte> bytes);
  void write(std::string_view text) { write(std::as_bytes(std::span(text.data(), text.size()))); }
  void write_zeros(size_t n);
  uint64_t position() const { return position_; }
  void commit();

 private:
  TempPath temp_;
  std::FILE* file_ = nullptr;
  uint64_t position_ = 0;
};

}  // namespace trit::formats

#include "trit/formats/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "trit/core/error.h"

namespace trit::formats {

namespace {

void fsync_path(const std::filesystem::path& path, bool is_dir) {
  const int fd = ::open(path.c_str(), (is_dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) fail(path.string(), ": cannot open to sync: ", std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  // Some file systems cannot fsync a folder (EINVAL); the rename itself still happened.
  if (rc != 0 && !(is_dir && err == EINVAL)) fail(path.string(), ": fsync failed: ", std::strerror(err));
}

}  // namespace

TempPath::TempPath(const std::filesystem::path& target) : target_(target) {
  // Unique per process and object, so concurrent writers of the same target never collide.
  static std::atomic<unsigned> counter{0};
  temp_ = target;
  temp_ += str_cat(".tmp.", ::getpid(), ".", counter++);
}

TempPath::~TempPath() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);  // best effort: the error that brought us here matters more
  }
}

void TempPath::commit() {
  fsync_path(temp_, false);
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) fail(target_.string(), ": cannot rename ", temp_.string(), " into place: ", ec.message());
  committed_ = true;
  const auto dir = target_.has_parent_path() ? target_.parent_path() : std::filesystem::path(".");
  fsync_path(dir, true);
}

AtomicFileWriter::AtomicFileWriter(const std::filesystem::path& target) : temp_(target) {
  file_ = std::fopen(temp_.path().c_str(), "wb");
  if (file_ == nullptr)
    fail(target.string(), ": cannot create ", temp_.path().string(), ": ", std::strerror(errno));
}

AtomicFileWriter::~AtomicFileWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void AtomicFileWriter::write(std::span<const std::byte> bytes) {
  TRIT_CHECK(file_ != nullptr, temp_.target().string(), ": write after commit");
  if (bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
    fail(temp_.target().string(), ": write of ", bytes.size(), " bytes at offset ", position_,
         " failed: ", std::strerror(errno));
  position_ += bytes.size();
}

void AtomicFileWriter::write_zeros(size_t n) {
  static constexpr std::array<std::byte, 256> zeros{};
  while (n > 0) {
    const size_t k = n < zeros.size() ? n : zeros.size();
    write(std::span(zeros.data(), k));
    n -= k;
  }
}

void AtomicFileWriter::commit() {
  TRIT_CHECK(file_ != nullptr, temp_.target().string(), ": committed twice");
  const bool flushed = std::fflush(file_) == 0;
  const int err = errno;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed)
    fail(temp_.target().string(), ": cannot finish writing ", temp_.path().string(), ": ",
         std::strerror(flushed ? errno : err));
  temp_.commit();
}

}  // namespace trit::formats

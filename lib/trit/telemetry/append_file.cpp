#include "trit/telemetry/append_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "trit/core/error.h"

namespace trit::telemetry {

AppendFile::AppendFile(const std::filesystem::path& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  TRIT_CHECK(fd_ >= 0, "cannot open ", path, " for appending: ", std::strerror(errno));
}

AppendFile::AppendFile(AppendFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

AppendFile& AppendFile::operator=(AppendFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

uint64_t AppendFile::size() const {
  TRIT_CHECK(fd_ >= 0, "AppendFile::size on a closed file ", path_);
  struct stat st {};
  TRIT_CHECK(::fstat(fd_, &st) == 0, "cannot stat ", path_, ": ", std::strerror(errno));
  return static_cast<uint64_t>(st.st_size);
}

void AppendFile::append(std::string_view bytes) {
  TRIT_CHECK(fd_ >= 0, "writing to a closed file ", path_);
  // write(2) may write less than asked (signals, full disk); loop until done or an error.
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    TRIT_CHECK(n > 0, "cannot write ", bytes.size(), " bytes to ", path_, ": ",
               n < 0 ? std::strerror(errno) : "no progress");
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void AppendFile::truncate(uint64_t length) {
  TRIT_CHECK(fd_ >= 0, "truncating a closed file ", path_);
  TRIT_CHECK(::ftruncate(fd_, static_cast<off_t>(length)) == 0, "cannot truncate ", path_,
             " to ", length, " bytes: ", std::strerror(errno));
}

void AppendFile::close() {
  if (fd_ < 0) return;
  int rc = ::close(std::exchange(fd_, -1));
  TRIT_CHECK(rc == 0, "error closing ", path_, ": ", std::strerror(errno));
}

}  // namespace trit::telemetry

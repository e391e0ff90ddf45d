#include "trit/formats/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "trit/core/error.h"

namespace trit::formats {

namespace {

// Closes the descriptor on every path out of the constructor; the map outlives it.
struct FdGuard {
  int fd;
  ~FdGuard() { if (fd >= 0) ::close(fd); }
};

}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path) : path_(path) {
  FdGuard fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) fail(path.string(), ": cannot open for reading: ", std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.fd, &st) != 0) fail(path.string(), ": cannot stat: ", std::strerror(errno));
  TRIT_CHECK(S_ISREG(st.st_mode), path.string(), ": not a regular file");
  size_ = size_t(st.st_size);
  if (size_ == 0) return;  // mmap of length 0 is an error; an empty span is the honest answer
  void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd.fd, 0);
  if (p == MAP_FAILED) fail(path.string(), ": cannot map ", size_, " bytes: ", std::strerror(errno));
  data_ = static_cast<const std::byte*>(p);
}

MappedFile::~MappedFile() { release(); }

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void MappedFile::release() noexcept {
  if (data_ != nullptr) ::munmap(const_cast<std::byte*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace trit::formats

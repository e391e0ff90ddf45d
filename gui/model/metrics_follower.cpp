#include "model/metrics_follower.h"

#include <sys/stat.h>

#include <fstream>

namespace trit::monitor {
namespace {
constexpr size_t kHeadBytes = 64;
constexpr uint64_t kMaxReadPerPoll = 256ull << 20;  // keep one poll bounded on huge files
}  // namespace

MetricsFollower::Update MetricsFollower::poll() {
  Update up;
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return up;
  const auto size = static_cast<uint64_t>(st.st_size);
  const bool replaced = seen_ && (static_cast<uint64_t>(st.st_ino) != inode_ ||
                                  static_cast<uint64_t>(st.st_dev) != device_);
  // Shrinking below what was consumed means truncation. Shrinking only into the torn tail
  // is the writer cutting a torn last line before it appends on resume: nothing to redo.
  const bool shrank = seen_ && size < offset_;
  mtime_ = static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec * 1e-9;

  std::ifstream in(path_, std::ios::binary);
  if (!in) return up;
  // A rewrite in place that ends up longer than before keeps inode and grows: compare the
  // first bytes with those seen before.
  std::string head(std::min<uint64_t>(kHeadBytes, size), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  const size_t common = std::min(head.size(), head_.size());
  const bool rewritten = seen_ && head.compare(0, common, head_, 0, common) != 0;

  if (replaced || shrank || rewritten) {
    up.reset = true;
    offset_ = 0;
  }
  seen_ = true;
  inode_ = static_cast<uint64_t>(st.st_ino);
  device_ = static_cast<uint64_t>(st.st_dev);
  head_ = head;
  if (size <= offset_) return up;

  const uint64_t want = std::min(size - offset_, kMaxReadPerPoll);
  std::string buf(want, '\0');
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset_));
  in.read(buf.data(), static_cast<std::streamsize>(want));
  buf.resize(static_cast<size_t>(in.gcount()));

  size_t start = 0;
  for (size_t nl = buf.find('\n'); nl != std::string::npos; nl = buf.find('\n', start)) {
    size_t end = nl;
    if (end > start && buf[end - 1] == '\r') --end;
    if (end > start) up.lines.emplace_back(buf, start, end - start);
    start = nl + 1;
  }
  offset_ += start;  // the torn tail (after the last newline) is left for the next poll
  return up;
}

}  // namespace trit::monitor

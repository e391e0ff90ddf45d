#pragma once
// Follows a growing text file (a run's metrics.jsonl) and hands back each complete line once.
//
// - A last line without its trailing newline is torn (the writer is mid-append): it is not
//   returned, and is read again, whole, on a later poll.
// - When the file shrinks below what was already read, is replaced (another inode or
//   device), or its first bytes change (rewritten in place), the follower says so and
//   starts again from byte 0, so the caller drops what it had and re-reads everything.
//   Shrinking only into the unread torn tail (the trainer cuts a torn line on resume) is
//   not a reset.
// - A missing file is not an error: the poll returns nothing until the file appears.
#include <cstdint>
#include <string>
#include <vector>

namespace trit::monitor {

class MetricsFollower {
 public:
  explicit MetricsFollower(std::string path) : path_(std::move(path)) {}

  struct Update {
    bool reset = false;               // the file was truncated or replaced: start over
    std::vector<std::string> lines;   // complete lines, newline stripped (CR too)
  };
  // Reads what was appended since the last poll.
  Update poll();

  const std::string& path() const { return path_; }
  uint64_t offset() const { return offset_; }
  // Modification time of the file at the last poll that saw it (seconds since the epoch),
  // 0 when it has never been seen.
  double last_modified() const { return mtime_; }

 private:
  std::string path_;
  uint64_t offset_ = 0;       // bytes consumed (always just after a newline)
  uint64_t inode_ = 0, device_ = 0;
  bool seen_ = false;
  double mtime_ = 0.0;
  std::string head_;          // first bytes of the file, to notice a rewrite in place
};

}  // namespace trit::monitor

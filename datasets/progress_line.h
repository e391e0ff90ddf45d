#pragma once
// Progress of one phase on stderr: a line redrawn in place with rate and ETA on a terminal,
// a plain line every 10% otherwise (logs stay short).
#include <chrono>
#include <cstdint>
#include <string>

namespace trit::data_cli {

class ProgressLine {
 public:
  ProgressLine();
  // unit "B" shows sizes as kB/MB/GB, anything else as plain counts.
  void update(const std::string& phase, int64_t done, int64_t total, const char* unit);
  // Ends the current phase's line (if any).
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  bool tty_;
  std::string phase_;
  const char* unit_ = "";
  Clock::time_point phase_start_, last_draw_;
  int64_t done_ = 0, total_ = 0;
  int last_decile_ = -1;
  void draw(bool final);
};

}  // namespace trit::data_cli

#include "progress_line.h"

#include <unistd.h>

#include <cstdio>

namespace trit::data_cli {
namespace {

std::string amount(double v, const char* unit) {
  char buf[64];
  if (std::string(unit) == "B") {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (v >= 1000 && u < 4) v /= 1000, ++u;
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f %s", v, unit);
  }
  return buf;
}

}  // namespace

ProgressLine::ProgressLine() : tty_(isatty(STDERR_FILENO) == 1) {}

void ProgressLine::update(const std::string& phase, int64_t done, int64_t total, const char* unit) {
  auto now = Clock::now();
  if (phase != phase_) {
    finish();
    phase_ = phase;
    unit_ = unit;
    phase_start_ = now;
    last_decile_ = -1;
  }
  done_ = done, total_ = total;
  if (tty_) {
    if (now - last_draw_ > std::chrono::milliseconds(100) || done >= total) {
      last_draw_ = now;
      draw(false);
    }
    return;
  }
  int decile = total > 0 ? static_cast<int>(10 * done / total) : 10;
  if (decile != last_decile_) {
    last_decile_ = decile;
    draw(false);
  }
}

void ProgressLine::draw(bool final) {
  double secs = std::chrono::duration<double>(Clock::now() - phase_start_).count();
  double rate = secs > 0 ? static_cast<double>(done_) / secs : 0;
  double pct = total_ > 0 ? 100.0 * static_cast<double>(done_) / static_cast<double>(total_) : 100;
  std::string line = phase_ + ": " + amount(static_cast<double>(done_), unit_) + " / " +
                     amount(static_cast<double>(total_), unit_);
  char tail[128];
  if (secs < 0.2 && !final && done_ < total_)
    std::snprintf(tail, sizeof tail, " (%.0f%%)", pct);
  else if (final || done_ >= total_)
    std::snprintf(tail, sizeof tail, " (%.0f%%) %s/s, %.1f s", pct, amount(rate, unit_).c_str(), secs);
  else
    std::snprintf(tail, sizeof tail, " (%.0f%%) %s/s, ETA %.0f s", pct, amount(rate, unit_).c_str(),
                  rate > 0 ? static_cast<double>(total_ - done_) / rate : 0.0);
  line += tail;
  if (tty_) std::fprintf(stderr, "\r\033[K%s", line.c_str());
  else std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

void ProgressLine::finish() {
  if (phase_.empty()) return;
  if (tty_) {
    draw(true);
    std::fprintf(stderr, "\n");
  }
  phase_.clear();
}

}  // namespace trit::data_cli

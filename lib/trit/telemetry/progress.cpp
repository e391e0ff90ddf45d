#include "trit/telemetry/progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ostream>

#include "trit/core/error.h"

namespace trit::telemetry {
namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

bool is_terminal(std::FILE* stream) { return stream && ::isatty(::fileno(stream)) == 1; }

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  auto total = static_cast<long long>(std::llround(seconds));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60, total % 60);
  return buf;
}

Progress::Progress(std::ostream& out, ProgressOptions options)
    : out_(out), options_(std::move(options)) {
  if (!options_.clock) options_.clock = steady_seconds;
  TRIT_CHECK(options_.total >= 0, "progress: negative total ", options_.total);
  TRIT_CHECK(options_.plain_every_steps >= 1, "progress: plain_every_steps must be >= 1");
  t0_ = options_.clock();
  last_drawn_done_ = options_.start;
  last_done_ = options_.start;
}

Progress::~Progress() {
  if (!finished_ && options_.terminal && last_width_ > 0) out_ << '\n' << std::flush;
}

std::string Progress::render(int64_t done, double now, std::string_view suffix) const {
  // Built by appending only: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
  const ProgressOptions& o = options_;
  double elapsed = now - t0_;
  double rate = elapsed > 0 ? static_cast<double>(done - o.start) / elapsed : 0.0;
  double fraction =
      o.total > 0 ? std::clamp(static_cast<double>(done) / static_cast<double>(o.total), 0.0, 1.0) : 0.0;

  std::string line = o.label;
  auto word = [&line](std::string_view w) {
    if (!line.empty()) line += ' ';
    line += w;
  };
  if (o.terminal && o.total > 0) {
    char pct[8];
    std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(std::floor(fraction * 100)));
    auto filled = static_cast<size_t>(std::floor(fraction * o.bar_width));
    word(pct);
    line += " [";
    line.append(filled, '#');
    line.append(static_cast<size_t>(o.bar_width) - filled, '-');
    line += ']';
  }
  word(std::to_string(done));
  if (o.total > 0) {
    line += '/';
    line += std::to_string(o.total);
  }
  if (!o.terminal && o.total > 0) {
    word("(");
    line += fixed(fraction * 100, 1);
    line += "%)";
  }
  if (rate <= 0) {
    word("-");
  } else if (rate < 1) {  // slow steps read better as seconds per step
    word(fixed(1.0 / rate, 2));
    line += " s/";
  } else {
    word(fixed(rate, rate < 100 ? 1 : 0));
    line += ' ';
  }
  if (rate <= 0) line += ' ';
  line += o.unit;
  if (rate <= 0 || rate >= 1) line += "/s";
  if (o.total > 0) {
    if (done >= o.total) {
      word("in ");
      line += format_duration(elapsed);
    } else {
      word("ETA ");
      line += rate > 0 ? format_duration(static_cast<double>(o.total - done) / rate) : "?";
    }
  }
  if (!suffix.empty()) word(suffix);
  return line;
}

void Progress::draw(int64_t done, double now, std::string_view suffix) {
  std::string line = render(done, now, suffix);
  if (options_.terminal) {
    // Pad over what is left of a longer previous line.
    size_t width = line.size();
    if (width < last_width_) line += std::string(last_width_ - width, ' ');
    out_ << '\r' << line << std::flush;
    last_width_ = width;
  } else {
    out_ << line << '\n' << std::flush;
  }
  last_draw_ = now;
  last_drawn_done_ = done;
}

void Progress::update(int64_t done, std::string_view suffix) {
  TRIT_CHECK(!finished_, "progress: update after finish");
  last_done_ = done;
  last_suffix_ = std::string(suffix);
  double now = options_.clock();
  bool due;
  if (options_.terminal)
    due = now - last_draw_ >= options_.min_redraw_seconds;
  else
    due = done - last_drawn_done_ >= options_.plain_every_steps ||
          now - std::max(last_draw_, t0_) >= options_.plain_every_seconds;
  if (due) draw(done, now, suffix);
}

void Progress::log(std::string_view line) {
  if (options_.terminal && last_width_ > 0) {
    out_ << '\r' << std::string(last_width_, ' ') << '\r' << line << '\n';
    last_width_ = 0;
    draw(last_done_, options_.clock(), last_suffix_);
  } else {
    out_ << line << '\n' << std::flush;
  }
}

void Progress::finish(std::string_view suffix) {
  if (finished_) return;
  std::string_view final_suffix = suffix.empty() ? std::string_view(last_suffix_) : suffix;
  if (options_.terminal || last_drawn_done_ != last_done_ || last_draw_ < t0_)
    draw(last_done_, options_.clock(), final_suffix);
  if (options_.terminal) out_ << '\n' << std::flush;
  finished_ = true;
}

}  // namespace trit::telemetry

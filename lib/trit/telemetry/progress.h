#pragma once
// Progress display for long loops (training steps, dataset preparation, evaluation).
//
// On a terminal: one line redrawn in place with '\r', at most every min_redraw_seconds
// (about 10 times a second), e.g.
//   train  42% [############------------------] 420/1000 12.3 step/s ETA 0:00:47 loss 2.31
// Elsewhere (a log file, a pipe): a plain line every plain_every_steps steps or
// plain_every_seconds seconds, whichever comes first, e.g.
//   train 420/1000 (42.0%) 12.3 step/s ETA 0:00:47 loss 2.31
// The rate is averaged since the display was made (from options.start, for a resumed run);
// with total 0 (unknown) the percentage, bar and ETA are left out. The output stream and
// the clock are injected so tests can drive it.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace trit::telemetry {

struct ProgressOptions {
  int64_t total = 0;           // the count at completion; 0 when unknown
  int64_t start = 0;           // the count at construction (a resumed run's first step)
  std::string label;           // first word of the line, e.g. "train"
  std::string unit = "step";   // the rate reads "<unit>/s"
  bool terminal = false;       // redraw one line (true) or print plain lines (false)
  double min_redraw_seconds = 0.1;
  int64_t plain_every_steps = 100;
  double plain_every_seconds = 30;
  int bar_width = 30;
  std::function<double()> clock;  // monotonic seconds; steady_clock when empty
};

// Whether `stream` (stdout, stderr) is a terminal.
bool is_terminal(std::FILE* stream);

// "0:00:47", "12:03:09" (hours grow past 99 as needed).
std::string format_duration(double seconds);

class Progress {
 public:
  Progress(std::ostream& out, ProgressOptions options);
  ~Progress();  // finishes the line on a terminal if finish() was not called

  // `done` units are complete; `suffix` (e.g. "loss 2.31") ends the line.
  void update(int64_t done, std::string_view suffix = {});
  // Prints a line of its own (an evaluation result) without garbling the bar.
  void log(std::string_view line);
  // Draws the final state and ends the line.
  void finish(std::string_view suffix = {});

 private:
  std::string render(int64_t done, double now, std::string_view suffix) const;
  void draw(int64_t done, double now, std::string_view suffix);

  std::ostream& out_;
  ProgressOptions options_;
  double t0_;
  double last_draw_ = -1e300;
  int64_t last_drawn_done_;
  int64_t last_done_;
  std::string last_suffix_;
  size_t last_width_ = 0;  // characters of the bar on screen (terminal)
  bool finished_ = false;
};

}  // namespace trit::telemetry

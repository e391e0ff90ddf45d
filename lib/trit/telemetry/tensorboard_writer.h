#pragma once
// TensorBoard event files for the scalars a run logs, written without TensorFlow.
//
// File: run_dir/events.out.tfevents.<seconds, 10 digits>.<host>.<pid>.<n>, a TFRecord file
// (tfrecord.h) whose records are Event protos (event_proto.h):
//   record 0: Event{wall_time, step 0, file_version "brain.Event:2"}
//   record 1: Event{wall_time, step, session_log {status START, msg}}: step 0 and msg
//             "started" for a new run; step = restart_step and msg "resumed" on resume
//   then one Event per add_scalars/add_record call: Event{wall_time, step, summary{value
//   {tag, simple_value}...}} (scalars are stored as 32-bit floats, as TensorBoard stores them).
// Each writer makes a new file; its name is chosen to sort after every events file already
// in run_dir, because TensorBoard reads a folder's files in name order.
//
// Restart marker: TensorBoard, on reading a SessionLog START at step S in a file whose
// file_version is 2, discards every event it has read so far with step >= S (the legacy
// EventAccumulator on every START; the plugin accumulator behind the TensorBoard server on
// every START after the first, hence the START in every file). A resumed run passes
// restart_step = the first step it will log, so the steps the crashed run logged past its
// last checkpoint are dropped in favour of the new ones. (TensorBoard's Rust data server
// ignores SessionLog; it drops, per tag, the points past a step that is logged again.)
//
// Events are buffered in memory and written out (one write(2) per flush) when
// flush_every_events events are waiting, when flush_every_seconds have passed since the
// last write-out (checked as events arrive, no thread), on flush() and on close().
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trit/telemetry/append_file.h"
#include "trit/telemetry/event_proto.h"
#include "trit/telemetry/metrics_writer.h"

namespace trit::telemetry {

// Seconds since the Unix epoch, as a double.
double unix_time_now();

struct TensorBoardOptions {
  std::optional<int64_t> restart_step;  // on resume: the first step the resumed run logs
  int flush_every_events = 32;
  double flush_every_seconds = 10.0;
  // Monotonic seconds for the flush timer; a test may inject its own clock.
  std::function<double()> monotonic_clock;
  // Unix seconds for the file name and the file_version/restart events.
  std::function<double()> wall_clock;
};

class TensorBoardWriter {
 public:
  explicit TensorBoardWriter(const std::filesystem::path& run_dir, TensorBoardOptions options = {});
  ~TensorBoardWriter();  // flushes; errors there are swallowed, call close() to see them
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  // One event holding every value; tags are TensorBoard's names, e.g. "train/loss".
  void add_scalars(int64_t step, double wall_time, const std::vector<ScalarValue>& values);
  void add_scalar(std::string_view tag, int64_t step, double value, double wall_time);
  // A metrics line as one event: tag "<split>/<key>" for each field, wall_time = time.
  void add_record(const MetricsRecord& record);

  void flush();  // writes out buffered events
  void close();  // flushes and closes; later adds throw

  const std::filesystem::path& path() const { return file_.path(); }
  size_t n_buffered() const { return n_buffered_; }

 private:
  void append_event(const Event& event);

  TensorBoardOptions options_;
  AppendFile file_;
  std::string buffer_;
  size_t n_buffered_ = 0;
  double last_flush_ = 0;
  bool closed_ = false;
};

// Name of a new events file for `run_dir` that sorts after the ones already there.
std::string new_events_file_name(const std::filesystem::path& run_dir, double unix_seconds);

// Every events file in `run_dir`, in name order (the order TensorBoard reads them).
std::vector<std::filesystem::path> list_events_files(const std::filesystem::path& run_dir);

// All events of one events file, CRCs and protos checked (for tests and resume checks).
std::vector<Event> read_events_file(const std::filesystem::path& path);

}  // namespace trit::telemetry

#include "trit/telemetry/tensorboard_writer.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>

#include "trit/core/error.h"
#include "trit/telemetry/tfrecord.h"

namespace trit::telemetry {
namespace {

constexpr std::string_view kPrefix = "events.out.tfevents.";

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

std::string format_name(long long seconds, const std::string& host, long pid, int n) {
  char head[32];
  std::snprintf(head, sizeof head, "%010lld", seconds);
  return std::string(kPrefix) + head + "." + host + "." + std::to_string(pid) + "." +
         std::to_string(n);
}

}  // namespace

double unix_time_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::filesystem::path> list_events_files(const std::filesystem::path& run_dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(kPrefix, 0) == 0 && entry.is_regular_file()) files.push_back(entry.path());
  }
  TRIT_CHECK(!ec, "cannot list ", run_dir, ": ", ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

std::string new_events_file_name(const std::filesystem::path& run_dir, double unix_seconds) {
  static std::atomic<int> counter{0};  // distinguishes writers of one process in one second
  auto existing = list_events_files(run_dir);
  std::string last = existing.empty() ? "" : existing.back().filename().string();
  long long seconds = static_cast<long long>(unix_seconds);
  std::string host = host_name();
  long pid = static_cast<long>(::getpid());
  std::string name = format_name(seconds, host, pid, counter++);
  // A clock set back, another host or a larger pid in the same second could sort the new
  // file first; TensorBoard would then read the restart marker before the orphans it is
  // meant to discard. Move the time in the name past the last file's instead.
  while (name <= last) name = format_name(++seconds, host, pid, counter++);
  return name;
}

TensorBoardWriter::TensorBoardWriter(const std::filesystem::path& run_dir,
                                     TensorBoardOptions options)
    : options_(std::move(options)) {
  if (!options_.monotonic_clock) options_.monotonic_clock = steady_seconds;
  if (!options_.wall_clock) options_.wall_clock = unix_time_now;
  TRIT_CHECK(options_.flush_every_events >= 1, "TensorBoardWriter: flush_every_events must be >= 1");
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  TRIT_CHECK(!ec, "cannot create the run folder ", run_dir, ": ", ec.message());
  double now = options_.wall_clock();
  file_ = AppendFile(run_dir / new_events_file_name(run_dir, now));
  last_flush_ = options_.monotonic_clock();

  Event header;
  header.wall_time = now;
  header.file_version = "brain.Event:2";
  buffer_ += frame_tfrecord(encode_event(header));
  // Every file opens a session. TensorBoard's plugin accumulator takes the first START of
  // a run as its beginning and only later ones as restarts, so a fresh run must write one
  // too, or a resumed run's marker would be taken for the beginning and purge nothing.
  Event start;
  start.wall_time = now;
  start.step = options_.restart_step.value_or(0);
  start.session_log =
      Event::SessionLog{SessionStatus::start, "", options_.restart_step ? "resumed" : "started"};
  buffer_ += frame_tfrecord(encode_event(start));
  flush();  // the header and session start are on disk before any scalar
}

TensorBoardWriter::~TensorBoardWriter() {
  try {
    close();
  } catch (const std::exception&) {
    // A destructor must not throw; callers who care call close() themselves.
  }
}

void TensorBoardWriter::append_event(const Event& event) {
  TRIT_CHECK(!closed_, "adding an event to the closed TensorBoard file ", file_.path());
  buffer_ += frame_tfrecord(encode_event(event));
  ++n_buffered_;
  if (n_buffered_ >= static_cast<size_t>(options_.flush_every_events) ||
      options_.monotonic_clock() - last_flush_ >= options_.flush_every_seconds)
    flush();
}

void TensorBoardWriter::add_scalars(int64_t step, double wall_time,
                                    const std::vector<ScalarValue>& values) {
  Event event;
  event.wall_time = wall_time;
  event.step = step;
  event.summary = values;
  append_event(event);
}

void TensorBoardWriter::add_scalar(std::string_view tag, int64_t step, double value,
                                   double wall_time) {
  add_scalars(step, wall_time, {ScalarValue{std::string(tag), static_cast<float>(value)}});
}

void TensorBoardWriter::add_record(const MetricsRecord& record) {
  std::vector<ScalarValue> values;
  values.reserve(record.fields().size());
  for (const auto& field : record.fields()) {
    double v = std::visit([](auto x) { return static_cast<double>(x); }, field.value);
    values.push_back({record.split() + "/" + field.key, static_cast<float>(v)});
  }
  add_scalars(record.step(), record.time(), values);
}

void TensorBoardWriter::flush() {
  if (closed_) return;
  if (!buffer_.empty()) file_.append(buffer_);
  buffer_.clear();
  n_buffered_ = 0;
  last_flush_ = options_.monotonic_clock();
}

void TensorBoardWriter::close() {
  if (closed_) return;
  flush();
  closed_ = true;
  file_.close();
}

std::vector<Event> read_events_file(const std::filesystem::path& path) {
  std::vector<Event> events;
  auto records = read_tfrecords(path);
  events.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i)
    events.push_back(decode_event(records[i], str_cat(path.string(), ": record ", i)));
  return events;
}

}  // namespace trit::telemetry

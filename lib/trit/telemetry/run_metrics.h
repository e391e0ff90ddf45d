#pragma once
// The metrics of one run, logged to both of its outputs at once: run_dir/metrics.jsonl
// (metrics_writer.h) and a TensorBoard events file (tensorboard_writer.h), tags
// "<split>/<key>". A resumed run passes the first step it will log as restart_step, which
// puts TensorBoard's restart marker in the new events file (metrics.jsonl needs none: its
// readers detect the restart from the steps).
#include <cstdint>
#include <filesystem>
#include <optional>

#include "trit/telemetry/metrics_writer.h"
#include "trit/telemetry/tensorboard_writer.h"

namespace trit::telemetry {

struct RunMetricsOptions {
  std::optional<int64_t> restart_step;  // set on resume
  bool tensorboard = true;              // false: metrics.jsonl only
  TensorBoardOptions tensorboard_options;  // its restart_step is taken from above
};

class RunMetrics {
 public:
  explicit RunMetrics(const std::filesystem::path& run_dir, RunMetricsOptions options = {});

  void write(const MetricsRecord& record);  // the line at once, the event when due
  void flush();                             // pending TensorBoard events to disk
  void close();

  const std::filesystem::path& metrics_path() const { return jsonl_.path(); }
  // Empty when TensorBoard output is off.
  std::filesystem::path events_path() const;

 private:
  MetricsWriter jsonl_;
  std::optional<TensorBoardWriter> events_;
};

}  // namespace trit::telemetry

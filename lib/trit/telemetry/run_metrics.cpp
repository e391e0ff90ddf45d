#include "trit/telemetry/run_metrics.h"

namespace trit::telemetry {

RunMetrics::RunMetrics(const std::filesystem::path& run_dir, RunMetricsOptions options)
    : jsonl_(run_dir) {
  if (options.tensorboard) {
    options.tensorboard_options.restart_step = options.restart_step;
    events_.emplace(run_dir, std::move(options.tensorboard_options));
  }
}

void RunMetrics::write(const MetricsRecord& record) {
  jsonl_.write(record);
  if (events_) events_->add_record(record);
}

void RunMetrics::flush() {
  if (events_) events_->flush();
}

void RunMetrics::close() {
  jsonl_.close();
  if (events_) events_->close();
}

std::filesystem::path RunMetrics::events_path() const {
  return events_ ? events_->path() : std::filesystem::path();
}

}  // namespace trit::telemetry

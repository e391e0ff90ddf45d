#pragma once
// One training run as the monitor sees it: a folder holding metrics.jsonl (followed as it
// grows) and, beside it, config.json (the resolved configuration; "max_steps" gives ETA).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/metrics_follower.h"
#include "model/metrics_record.h"
#include "model/series.h"

namespace trit::monitor {

enum class RunStatus { Running, Finished, Stale, Empty };
const char* run_status_name(RunStatus s);

class Run {
 public:
  // `dir` holds metrics.jsonl; `name` is how the run is shown (its path below the root).
  Run(std::string dir, std::string name);

  // Reads what was appended to metrics.jsonl (and config.json when it changed). Returns
  // true when anything visible changed.
  bool poll();
  // Feeds parsed lines directly (what poll() does after reading); used by tests too.
  void ingest_line(const std::string& line);
  void reset_data();

  const std::string& dir() const { return dir_; }
  const std::string& name() const { return name_; }
  std::string metrics_path() const { return dir_ + "/metrics.jsonl"; }
  std::string config_path() const { return dir_ + "/config.json"; }

  const std::map<std::string, Series>& series() const { return series_; }
  const Series* find_series(const std::string& name) const;
  const nlohmann::json& config() const { return config_; }
  const std::string& config_error() const { return config_error_; }
  size_t bad_lines() const { return bad_lines_; }
  const std::string& last_bad_line_error() const { return last_bad_error_; }

  long long last_step() const { return last_step_; }
  std::optional<long long> max_steps() const { return max_steps_; }
  bool final_marker_seen() const { return final_marker_; }
  // Seconds since the epoch of the last change to metrics.jsonl (file mtime).
  double last_update() const { return follower_.last_modified(); }
  double first_time() const { return first_time_; }  // NaN until a record carries "time"

  std::optional<double> latest_value(const std::string& series) const;
  std::optional<double> best_value(const std::string& series) const;  // lowest finite
  // Seconds per step from recent train records' wall times (or step_ms), if known.
  std::optional<double> seconds_per_step() const;
  // Seconds left until max_steps at the current rate; nullopt when unknown.
  std::optional<double> eta_seconds() const;
  RunStatus status(double now_seconds, double stale_after_seconds) const;

  size_t bytes_held() const;

 private:
  void load_config();

  std::string dir_, name_;
  MetricsFollower follower_;
  std::map<std::string, Series> series_;
  nlohmann::json config_;
  std::string config_error_;
  double config_mtime_ = -1.0;
  std::optional<long long> max_steps_;
  long long last_step_ = -1;
  bool final_marker_ = false;
  size_t bad_lines_ = 0;
  std::string last_bad_error_;
  double first_time_;
  double carried_time_, carried_tokens_;  // last seen, lent to records that lack them
  std::map<std::string, long long> split_last_step_;
  std::string key_;  // scratch for series names
};

// The run's total steps from its config: "max_steps" at the top level, else trit-train's
// "train.max_steps" (nested or dotted), else the first "max_steps" in any nested object.
std::optional<long long> find_max_steps(const nlohmann::json& config);

}  // namespace trit::monitor

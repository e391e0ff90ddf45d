#include "model/run.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace trit::monitor {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double file_mtime(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1.0;
  return static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec * 1e-9;
}
}  // namespace

const char* run_status_name(RunStatus s) {
  switch (s) {
    case RunStatus::Running: return "running";
    case RunStatus::Finished: return "finished";
    case RunStatus::Stale: return "stale";
    case RunStatus::Empty: return "empty";
  }
  return "?";
}

Run::Run(std::string dir, std::string name)
    : dir_(std::move(dir)), name_(std::move(name)), follower_(dir_ + "/metrics.jsonl"),
      first_time_(kNaN), carried_time_(kNaN), carried_tokens_(kNaN) {}

void Run::reset_data() {
  // Series are emptied, not destroyed: plots may still hold pointers to them until the
  // window hears of the change.
  for (auto& [_, s] : series_) s.clear();
  last_step_ = -1;
  split_last_step_.clear();
  final_marker_ = false;
  bad_lines_ = 0;
  last_bad_error_.clear();
  first_time_ = carried_time_ = carried_tokens_ = kNaN;
}

bool Run::poll() {
  bool changed = false;
  const double cm = file_mtime(config_path());
  if (cm != config_mtime_) {
    config_mtime_ = cm;
    load_config();
    changed = true;
  }
  auto up = follower_.poll();
  if (up.reset) {
    reset_data();
    changed = true;
  }
  for (const auto& line : up.lines) ingest_line(line);
  return changed || !up.lines.empty();
}

void Run::load_config() {
  config_ = nlohmann::json::object();
  config_error_.clear();
  max_steps_.reset();
  std::ifstream in(config_path(), std::ios::binary);
  if (!in) return;  // no config.json yet: fine
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = nlohmann::json::parse(quote_non_finite_tokens(ss.str()), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    config_error_ = config_path() + ": not a JSON object";
    return;
  }
  config_ = std::move(doc);
  max_steps_ = find_max_steps(config_);
}

void Run::ingest_line(const std::string& line) {
  std::string error;
  auto rec = parse_metrics_line(line, &error);
  if (!rec) {
    ++bad_lines_;
    last_bad_error_ = error;
    return;
  }
  if (std::isfinite(rec->time)) {
    carried_time_ = rec->time;
    if (!std::isfinite(first_time_)) first_time_ = rec->time;
  }
  if (std::isfinite(rec->tokens)) carried_tokens_ = rec->tokens;
  if (rec->final_marker) final_marker_ = true;
  // A resume that goes back in steps moves the run's step back with it. Restart rule of
  // docs/metrics.md (as trit::telemetry::parse_metrics_log applies it): per split, a step
  // not greater than that split's previous step marks a restart at that step; every
  // earlier point of any split at or past it is orphaned, and every split's previous step
  // is lowered below it. (Each series also drops its own orphans on append, TensorBoard's
  // per-tag rule, which this one covers.)
  last_step_ = rec->step;
  auto split_it = split_last_step_.find(rec->split);
  if (split_it != split_last_step_.end() && rec->step <= split_it->second) {
    for (auto& [_, s] : series_) s.drop_from(rec->step);
    for (auto& [_, step] : split_last_step_) step = std::min(step, rec->step - 1);
  }
  split_last_step_[rec->split] = rec->step;
  for (const auto& [field, value] : rec->values) {
    // One reused buffer for "<split>/<field>": no allocation per value after the first.
    key_.assign(rec->split).append(1, '/').append(field);
    auto it = series_.find(key_);
    if (it == series_.end()) it = series_.emplace(key_, Series(key_)).first;
    it->second.append(rec->step, carried_time_, carried_tokens_, value);
  }
}

const Series* Run::find_series(const std::string& name) const {
  auto it = series_.find(name);
  return it == series_.end() ? nullptr : &it->second;
}

std::optional<double> Run::latest_value(const std::string& name) const {
  const Series* s = find_series(name);
  if (!s) return std::nullopt;
  const auto& v = s->values();
  for (size_t i = v.size(); i-- > 0;)
    if (std::isfinite(v[i])) return v[i];
  return std::nullopt;
}

std::optional<double> Run::best_value(const std::string& name) const {
  const Series* s = find_series(name);
  if (!s) return std::nullopt;
  std::optional<double> best;
  for (double v : s->values())
    if (std::isfinite(v) && (!best || v < *best)) best = v;
  return best;
}

std::optional<double> Run::seconds_per_step() const {
  // The train series with the most points carries the step clock.
  const Series* clock = nullptr;
  for (const auto& [name, s] : series_)
    if (name.rfind("train/", 0) == 0 && (!clock || s.size() > clock->size())) clock = &s;
  if (clock && clock->size() >= 2) {
    const size_t last = clock->size() - 1;
    const size_t first = last >= 50 ? last - 50 : 0;
    const double dt = clock->times()[last] - clock->times()[first];
    const double ds = clock->steps()[last] - clock->steps()[first];
    if (std::isfinite(dt) && dt > 0 && ds > 0) return dt / ds;
  }
  if (auto ms = latest_value("train/step_ms"); ms && *ms > 0) return *ms / 1000.0;
  return std::nullopt;
}

std::optional<double> Run::eta_seconds() const {
  if (!max_steps_ || last_step_ < 0) return std::nullopt;
  if (last_step_ + 1 >= *max_steps_) return 0.0;  // finished, as status() counts it
  auto sps = seconds_per_step();
  if (!sps) return std::nullopt;
  return static_cast<double>(*max_steps_ - last_step_) * *sps;
}

RunStatus Run::status(double now, double stale_after) const {
  if (last_step_ < 0) return RunStatus::Empty;
  // Trainers log the last step as max_steps (or max_steps - 1 when counting from zero).
  if (final_marker_ || (max_steps_ && last_step_ + 1 >= *max_steps_)) return RunStatus::Finished;
  if (now - last_update() > stale_after) return RunStatus::Stale;
  return RunStatus::Running;
}

size_t Run::bytes_held() const {
  size_t n = 0;
  for (const auto& [_, s] : series_) n += s.bytes_held();
  return n;
}

std::optional<long long> find_max_steps(const nlohmann::json& config) {
  if (!config.is_object()) return std::nullopt;
  if (auto it = config.find("max_steps"); it != config.end() && it->is_number())
    return static_cast<long long>(it->get<double>());
  // trit-train's key is train.max_steps (docs/config.md); prefer it over other sections'.
  if (auto t = config.find("train"); t != config.end())
    if (auto found = find_max_steps(*t)) return found;
  if (auto it = config.find("train.max_steps"); it != config.end() && it->is_number())
    return static_cast<long long>(it->get<double>());
  for (const auto& [_, v] : config.items())
    if (auto found = find_max_steps(v)) return found;
  return std::nullopt;
}

}  // namespace trit::monitor

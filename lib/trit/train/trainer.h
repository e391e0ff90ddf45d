#pragma once
// The training loop behind trit-train: data sampling, forward/backward with gradient
// accumulation, clipping, the optimizer and its schedule, periodic evaluation and
// checkpoints, metrics (metrics.jsonl + TensorBoard), progress, and exact resume.
//
// A run folder (DESIGN.md, "Files a run leaves") holds config.json (the resolved
// configuration plus "trit_version"), metrics.jsonl, events.out.tfevents.*, and
// checkpoints/. A resumed run reads config.json back, applies new --key=value overrides
// (say, a larger train.max_steps), loads checkpoints/latest and continues bit-identically:
// same weights, optimizer moments, data order and dropout stream as a run never stopped.
#include <atomic>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "trit/config/config.h"

namespace trit::train {

struct TrainSummary {
  int64_t step = 0;
  int64_t tokens = 0;
  double last_train_loss = 0;
  double last_val_loss = 0;  // NaN when never evaluated
  double last_val_bpb = 0;
  bool stopped_early = false;  // by a signal or the time budget
  std::filesystem::path run_dir;
  std::filesystem::path checkpoint;  // the last one written
};

class Trainer {
 public:
  // A new run from a resolved config; fails if the run folder already has checkpoints.
  static std::unique_ptr<Trainer> start(const config::Config& config, std::ostream& out);
  // Continues the run in `run_dir` with extra overrides applied to its saved config.
  static std::unique_ptr<Trainer> resume(const std::filesystem::path& run_dir, const std::vector<std::string>& overrides,
                                         std::ostream& out);
  ~Trainer();

  // Trains to train.max_steps (or stop_at_step, when given: then it checkpoints and stops there
  // as after a signal, which tests use to cut a run in two).
  TrainSummary run(int64_t stop_at_step = -1);

  // Asks every running trainer to checkpoint and stop after the current step.
  // Async-signal-safe (SIGINT/SIGTERM handlers call it).
  static void request_stop();
  static void clear_stop();

  struct Impl;

 private:
  explicit Trainer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The run folder a config names: <run.dir>/<run.name>.
std::filesystem::path run_dir_of(const config::Config& config);

}  // namespace trit::train

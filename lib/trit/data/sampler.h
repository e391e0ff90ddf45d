#pragma once
// Batch sampling from a dataset split. Batches are plain int32 buffers: B rows of T+1
// consecutive tokens, row-major (row b = tokens[start_b, start_b + T + 1)); a trainer takes
// inputs = row[0..T) and targets = row[1..T+1).
//
// Random windows (training): the start of row b at step s on rank r of world_size W is a pure
// function of (seed, s, r, b):
//   i     = (s * W + r) * B + b                      global sample index
//   h     = splitmix64 output number i of the stream seeded with splitmix64(seed)
//   start = (h * (n_tokens - T)) >> 64               uniform in 0 .. n_tokens - T - 1
// (the 128-bit multiply maps h to the range with a bias below (n_tokens - T) / 2^64). So the
// whole sampler state is (seed, next_step): saving and restoring it resumes exactly, and the W
// ranks of a data-parallel run together draw exactly the rows a single process with batch
// W*B would draw (rank r gets rows r*B .. r*B + B - 1 of it), never the same sample index.
//
// Sequential windows (evaluation): window k covers tokens [k*T, k*T + T + 1), for
// k = 0 .. (n_tokens - 1) / T - 1, so every token after the first is predicted exactly once
// except the last (n_tokens - 1) % T ones; rank r takes windows r, r + W, r + 2W, ...
//
// Token access (TokenSplit): a split at most max_memory_bytes large (stored at 2 bytes per
// token when n_vocab <= 65536, else 4) is read into memory once at open, which makes window
// reads plain copies; a larger split is read window by window with HDF5 hyperslab reads.
#include <cstdint>
#include <span>
#include <vector>

#include "trit/data/dataset_file.h"

namespace trit::data {

inline constexpr int64_t kDefaultMaxMemoryBytes = int64_t{1} << 30;

// Keeps a pointer to `file`, which must outlive it (and the samplers built on it).
class TokenSplit {
 public:
  TokenSplit(const DatasetFile& file, Split split, int64_t max_memory_bytes = kDefaultMaxMemoryBytes);

  int64_t size() const { return n_tokens_; }
  bool in_memory() const { return in_memory_; }
  const DatasetFile& file() const { return *file_; }
  Split split() const { return split_; }
  void read(int64_t start, int64_t count, int32_t* out) const;

 private:
  const DatasetFile* file_;
  Split split_;
  int64_t n_tokens_;
  bool in_memory_ = false;
  std::vector<uint16_t> tokens16_;
  std::vector<int32_t> tokens32_;
};

struct SamplerState {
  uint64_t seed = 0;
  uint64_t next_step = 0;
};

uint64_t splitmix64(uint64_t x);

class BatchSampler {
 public:
  BatchSampler(const TokenSplit& tokens, int64_t batch_size, int64_t seq_len, SamplerState state,
               int rank = 0, int world_size = 1);

  // Fills `windows` with B * (T + 1) tokens for step next_step, then advances next_step.
  void next(std::vector<int32_t>& windows);
  // Start of row `row` at `step` for this rank.
  int64_t window_start(uint64_t step, int64_t row) const;

  SamplerState state() const { return state_; }
  void set_state(SamplerState state) { state_ = state; }
  int64_t batch_size() const { return batch_size_; }
  int64_t seq_len() const { return seq_len_; }

 private:
  const TokenSplit* tokens_;
  int64_t batch_size_, seq_len_;
  SamplerState state_;
  int rank_, world_size_;
};

class SequentialWindows {
 public:
  // max_windows >= 0 caps the windows of the whole split (before dividing among ranks).
  SequentialWindows(const TokenSplit& tokens, int64_t seq_len, int rank = 0, int world_size = 1,
                    int64_t max_windows = -1);

  int64_t n_windows() const;  // windows this rank visits
  // Fills `windows` with up to max_rows windows of T + 1 tokens; returns how many (0: done).
  int64_t next(int64_t max_rows, std::vector<int32_t>& windows);
  void reset() { next_window_ = rank_; }

 private:
  const TokenSplit* tokens_;
  int64_t seq_len_;
  int rank_, world_size_;
  int64_t n_total_;
  int64_t next_window_;
};

// Splits B rows of T + 1 tokens into inputs (B*T) and targets (B*T).
void split_windows(std::span<const int32_t> windows, int64_t seq_len, std::vector<int32_t>& inputs,
                   std::vector<int32_t>& targets);

}  // namespace trit::data

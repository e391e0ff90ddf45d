#include "trit/data/sampler.h"

#include <algorithm>

#include "trit/core/error.h"

namespace trit::data {
namespace {

constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ull;

std::string where(const TokenSplit& t) {
  return str_cat(t.file().path().string(), ": split ", split_name(t.split()));
}

void check_rank(int rank, int world_size) {
  TRIT_CHECK(world_size >= 1 && rank >= 0 && rank < world_size, "sampler rank ", rank,
             " is outside world size ", world_size);
}

}  // namespace

uint64_t splitmix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

TokenSplit::TokenSplit(const DatasetFile& file, Split split, int64_t max_memory_bytes)
    : file_(&file), split_(split), n_tokens_(file.split(split).n_tokens) {
  const bool narrow = file.n_vocab() <= 65536;
  const int64_t bytes = n_tokens_ * (narrow ? 2 : 4);
  if (bytes > max_memory_bytes) return;
  in_memory_ = true;
  constexpr int64_t kBlock = int64_t{1} << 20;
  std::vector<int32_t> block(static_cast<size_t>(std::min(kBlock, n_tokens_)));
  if (narrow) tokens16_.resize(static_cast<size_t>(n_tokens_));
  else tokens32_.resize(static_cast<size_t>(n_tokens_));
  for (int64_t start = 0; start < n_tokens_; start += kBlock) {
    int64_t n = std::min(kBlock, n_tokens_ - start);
    if (narrow) {
      file.read(split, start, n, block.data());  // checks ids against n_vocab
      std::copy_n(block.begin(), n, tokens16_.begin() + start);
    } else {
      file.read(split, start, n, tokens32_.data() + start);
    }
  }
}

void TokenSplit::read(int64_t start, int64_t count, int32_t* out) const {
  if (!in_memory_) return file_->read(split_, start, count, out);
  TRIT_CHECK(start >= 0 && count >= 0 && start + count <= n_tokens_, where(*this), ": tokens [",
             start, ", ", start + count, ") are outside its ", n_tokens_, " tokens");
  if (!tokens16_.empty()) std::copy_n(tokens16_.begin() + start, count, out);
  else std::copy_n(tokens32_.begin() + start, count, out);
}

BatchSampler::BatchSampler(const TokenSplit& tokens, int64_t batch_size, int64_t seq_len,
                           SamplerState state, int rank, int world_size)
    : tokens_(&tokens), batch_size_(batch_size), seq_len_(seq_len), state_(state), rank_(rank),
      world_size_(world_size) {
  check_rank(rank, world_size);
  TRIT_CHECK(batch_size >= 1 && seq_len >= 1, "sampler needs batch size and sequence length >= 1");
  TRIT_CHECK(tokens.size() > seq_len, where(tokens), " has ", tokens.size(),
             " tokens, too few for windows of ", seq_len, " + 1 tokens");
}

int64_t BatchSampler::window_start(uint64_t step, int64_t row) const {
  uint64_t index = (step * static_cast<uint64_t>(world_size_) + static_cast<uint64_t>(rank_)) *
                       static_cast<uint64_t>(batch_size_) + static_cast<uint64_t>(row);
  uint64_t h = splitmix64(splitmix64(state_.seed) + (index + 1) * kGamma);
  auto n_starts = static_cast<uint64_t>(tokens_->size() - seq_len_);
  return static_cast<int64_t>((static_cast<unsigned __int128>(h) * n_starts) >> 64);
}

void BatchSampler::next(std::vector<int32_t>& windows) {
  const int64_t w = seq_len_ + 1;
  windows.resize(static_cast<size_t>(batch_size_ * w));
  for (int64_t b = 0; b < batch_size_; ++b)
    tokens_->read(window_start(state_.next_step, b), w, windows.data() + b * w);
  ++state_.next_step;
}

SequentialWindows::SequentialWindows(const TokenSplit& tokens, int64_t seq_len, int rank,
                                     int world_size, int64_t max_windows)
    : tokens_(&tokens), seq_len_(seq_len), rank_(rank), world_size_(world_size),
      n_total_(0), next_window_(rank) {
  check_rank(rank, world_size);
  TRIT_CHECK(seq_len >= 1, "evaluation needs a sequence length >= 1");
  TRIT_CHECK(tokens.size() > seq_len, where(tokens), " has ", tokens.size(),
             " tokens, too few for one window of ", seq_len, " + 1 tokens");
  n_total_ = (tokens.size() - 1) / seq_len;
  if (max_windows >= 0) n_total_ = std::min(n_total_, max_windows);
}

int64_t SequentialWindows::n_windows() const {
  return n_total_ > rank_ ? (n_total_ - rank_ + world_size_ - 1) / world_size_ : 0;
}

int64_t SequentialWindows::next(int64_t max_rows, std::vector<int32_t>& windows) {
  const int64_t w = seq_len_ + 1;
  int64_t rows = 0;
  windows.resize(static_cast<size_t>(std::max<int64_t>(max_rows, 0) * w));
  while (rows < max_rows && next_window_ < n_total_) {
    tokens_->read(next_window_ * seq_len_, w, windows.data() + rows * w);
    next_window_ += world_size_;
    ++rows;
  }
  windows.resize(static_cast<size_t>(rows * w));
  return rows;
}

void split_windows(std::span<const int32_t> windows, int64_t seq_len, std::vector<int32_t>& inputs,
                   std::vector<int32_t>& targets) {
  const auto w = static_cast<size_t>(seq_len + 1);
  TRIT_CHECK(windows.size() % w == 0, "window buffer of ", windows.size(),
             " tokens is not a whole number of rows of ", w);
  inputs.clear();
  targets.clear();
  for (size_t r = 0; r < windows.size(); r += w) {
    inputs.insert(inputs.end(), windows.begin() + r, windows.begin() + r + w - 1);
    targets.insert(targets.end(), windows.begin() + r + 1, windows.begin() + r + w);
  }
}

}  // namespace trit::data

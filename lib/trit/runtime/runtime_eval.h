#pragma once
// trit-eval's measurements on a RuntimeModel (a GGUF file), computed the same way as for a
// checkpoint (train/evaluate.h, train/generate.h, train/eval_bench.h) so the numbers compare:
// the same windows, summarize_nll, the same sampling draws and sample_token.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "trit/data/sampler.h"
#include "trit/runtime/runtime_model.h"
#include "trit/train/eval_bench.h"
#include "trit/train/evaluate.h"
#include "trit/train/generate.h"

namespace trit::runtime {

// Per-token NLL (nats) of one window of T + 1 tokens: the first T are the input, from an
// empty cache, in batches of max_batch tokens.
std::vector<double> window_nll(RuntimeModel& model, std::span<const int32_t> window);

// As train::evaluate_split: non-overlapping windows of seq_len + 1 tokens.
train::EvalResult evaluate_split(RuntimeModel& model, const data::TokenSplit& tokens, double bytes_per_token,
                                 int64_t seq_len, int64_t max_windows,
                                 const std::function<void(int64_t, int64_t)>& on_window = {});

// As train::generate: the prompt in one batched pass (max_batch tokens at a time), then one
// token per step, draws from Generator(seed) exactly as there.
std::vector<int32_t> generate(RuntimeModel& model, const std::vector<int32_t>& prompt, int64_t n_new,
                              const train::SamplingOptions& options, const std::function<void(int32_t)>& on_token = {},
                              train::GenerationStats* stats = nullptr);

// Prompt processing of n_prompt tokens and generation of n_gen, median of reps.
train::BenchResult bench(RuntimeModel& model, int64_t n_prompt = 128, int64_t n_gen = 64, int reps = 3);

}  // namespace trit::runtime

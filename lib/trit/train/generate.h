#pragma once
// Text generation with a KV cache: the prompt is processed in one batched pass, then one
// token per step. Sampling: temperature (0 = greedy), then top-k, then top-p (nucleus), from
// a seeded counter-based generator, so the same seed gives the same text.
#include <cstdint>
#include <functional>
#include <vector>

#include "trit/models/model.h"

namespace trit::train {

struct SamplingOptions {
  double temperature = 0.8;
  int64_t top_k = 40;   // 0: off
  double top_p = 0.95;  // 1: off
  uint64_t seed = 0;
};

// Picks the next token from logits [V] (float). `draw` is a uniform number in [0, 1).
int32_t sample_token(const std::vector<float>& logits, const SamplingOptions& options, double draw);

struct GenerationStats {
  int64_t prompt_tokens = 0;
  int64_t generated_tokens = 0;
  double prompt_seconds = 0;
  double generation_seconds = 0;
};

// Generates up to n_new tokens after `prompt` (which must not be empty). on_token is called
// for each new token as it is chosen (for streaming output).
std::vector<int32_t> generate(models::LanguageModel& model, const std::vector<int32_t>& prompt, int64_t n_new,
                              const SamplingOptions& options, const std::function<void(int32_t)>& on_token = {},
                              GenerationStats* stats = nullptr);

}  // namespace trit::train

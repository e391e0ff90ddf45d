#pragma once
// Speed of a model as trit-eval --bench reports it: prompt processing (one batched forward
// over n_prompt tokens) and generation (one token at a time with the KV cache), median of
// several repetitions, plus the memory the parameters take.
#include <iosfwd>

#include "trit/models/model.h"

namespace trit::train {

struct BenchResult {
  int64_t n_prompt = 0, n_gen = 0;
  double prompt_tokens_per_s = 0;
  double gen_tokens_per_s = 0;
  double param_bytes = 0;
  int threads = 0;
};

BenchResult bench_model(models::LanguageModel& model, int64_t n_prompt = 128, int64_t n_gen = 64, int reps = 3);
void print_bench(const BenchResult& r, std::ostream& out);

}  // namespace trit::train

#include "trit/train/eval_bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ostream>

#include "trit/core/parallel.h"
#include "trit/ops/ops.h"

namespace trit::train {

BenchResult bench_model(models::LanguageModel& model, int64_t n_prompt, int64_t n_gen, int reps) {
  NoGradGuard no_grad;
  model.eval();
  BenchResult r;
  n_prompt = std::min<int64_t>(n_prompt, model.config().max_seq_len - n_gen);
  TRIT_CHECK(n_prompt > 0, "bench: max_seq_len ", model.config().max_seq_len, " is too short for ", n_gen, " generated tokens");
  r.n_prompt = n_prompt;
  r.n_gen = n_gen;
  r.threads = max_threads();
  for (const Tensor& p : model.parameters()) r.param_bytes += double(p.nbytes());
  std::vector<int32_t> ids(static_cast<size_t>(n_prompt));
  for (int64_t i = 0; i < n_prompt; ++i) ids[size_t(i)] = int32_t((i * 7 + 3) % model.config().vocab_size);
  std::vector<double> pp, tg;
  using Clock = std::chrono::steady_clock;
  for (int rep = 0; rep < reps; ++rep) {
    models::KVCache cache = model.make_cache(1, n_prompt + n_gen);
    const auto t0 = Clock::now();
    model.forward(Tensor::from_vector(ids, {1, n_prompt}), &cache);
    const auto t1 = Clock::now();
    for (int64_t i = 0; i < n_gen; ++i) model.forward(Tensor::from_vector<int32_t>({int32_t(i % model.config().vocab_size)}, {1, 1}), &cache);
    const auto t2 = Clock::now();
    pp.push_back(double(n_prompt) / std::chrono::duration<double>(t1 - t0).count());
    tg.push_back(double(n_gen) / std::chrono::duration<double>(t2 - t1).count());
  }
  std::sort(pp.begin(), pp.end());
  std::sort(tg.begin(), tg.end());
  r.prompt_tokens_per_s = pp[pp.size() / 2];
  r.gen_tokens_per_s = tg[tg.size() / 2];
  return r;
}

void print_bench(const BenchResult& r, std::ostream& out) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "bench (%d threads): prompt %lld tokens: %.1f tokens/s | generation %lld tokens: %.1f tokens/s | "
                "parameters %.1f MiB\n",
                r.threads, (long long)r.n_prompt, r.prompt_tokens_per_s, (long long)r.n_gen, r.gen_tokens_per_s,
                r.param_bytes / (1 << 20));
  out << buf;
}

}  // namespace trit::train

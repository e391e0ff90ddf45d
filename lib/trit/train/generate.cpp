#include "trit/train/generate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "trit/core/rng.h"
#include "trit/ops/ops.h"

namespace trit::train {

int32_t sample_token(const std::vector<float>& logits, const SamplingOptions& o, double draw) {
  const int64_t V = int64_t(logits.size());
  if (o.temperature <= 0) return int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
  std::vector<int32_t> idx(static_cast<size_t>(V));
  std::iota(idx.begin(), idx.end(), 0);
  // Candidates by descending logit (ties by lower id, so the order is deterministic).
  auto by_logit = [&](int32_t a, int32_t b) { return logits[size_t(a)] > logits[size_t(b)] || (logits[size_t(a)] == logits[size_t(b)] && a < b); };
  const int64_t k = o.top_k > 0 ? std::min(o.top_k, V) : V;
  std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), by_logit);
  idx.resize(size_t(k));
  std::vector<double> p(idx.size());
  const double m = logits[size_t(idx[0])];
  double total = 0;
  for (size_t i = 0; i < idx.size(); ++i) total += p[i] = std::exp((double(logits[size_t(idx[i])]) - m) / o.temperature);
  // Nucleus: the smallest prefix whose probability reaches top_p.
  size_t keep = idx.size();
  if (o.top_p < 1.0) {
    double c = 0;
    for (size_t i = 0; i < idx.size(); ++i) {
      c += p[i] / total;
      if (c >= o.top_p) {
        keep = i + 1;
        break;
      }
    }
  }
  double mass = 0;
  for (size_t i = 0; i < keep; ++i) mass += p[i];
  double target = draw * mass;
  for (size_t i = 0; i < keep; ++i) {
    target -= p[i];
    if (target < 0) return idx[i];
  }
  return idx[keep - 1];
}

std::vector<int32_t> generate(models::LanguageModel& model, const std::vector<int32_t>& prompt, int64_t n_new,
                              const SamplingOptions& options, const std::function<void(int32_t)>& on_token,
                              GenerationStats* stats) {
  TRIT_CHECK(!prompt.empty(), "generate: the prompt is empty (give at least one token)");
  NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  const int64_t capacity = std::min<int64_t>(int64_t(prompt.size()) + n_new, model.config().max_seq_len);
  TRIT_CHECK(int64_t(prompt.size()) < capacity || n_new == 0, "generate: prompt of ", prompt.size(),
             " tokens leaves no room in max_seq_len ", model.config().max_seq_len);
  models::KVCache cache = model.make_cache(1, capacity);
  Generator gen(options.seed);
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  Tensor logits = model.forward(Tensor::from_vector(prompt, {1, int64_t(prompt.size())}), &cache);
  auto t1 = Clock::now();
  std::vector<int32_t> out;
  while (int64_t(out.size()) < n_new && cache.length() < capacity) {
    const Tensor last = logits.narrow(1, logits.size(1) - 1, 1).reshape({-1});
    const uint64_t c = gen.advance(1);
    const double draw = double(gen.words(c)[0]) * 0x1p-32;
    const int32_t next = sample_token(last.to_vector<float>(), options, draw);
    out.push_back(next);
    if (on_token) on_token(next);
    if (int64_t(out.size()) == n_new || cache.length() >= capacity) break;
    logits = model.forward(Tensor::from_vector<int32_t>({next}, {1, 1}), &cache);
  }
  auto t2 = Clock::now();
  if (stats) {
    stats->prompt_tokens = int64_t(prompt.size());
    stats->generated_tokens = int64_t(out.size());
    stats->prompt_seconds = std::chrono::duration<double>(t1 - t0).count();
    stats->generation_seconds = std::chrono::duration<double>(t2 - t1).count();
  }
  model.train(was_training);
  return out;
}

}  // namespace trit::train

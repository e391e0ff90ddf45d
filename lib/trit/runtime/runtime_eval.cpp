#include "trit/runtime/runtime_eval.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "trit/core/error.h"
#include "trit/core/rng.h"

namespace trit::runtime {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Runs `tokens` from position pos in batches of max_batch; on_logits(first_token, logits of
// the batch's tokens) when all_logits, else the last token's logits are returned.
std::span<const float> run_batches(RuntimeModel& model, std::span<const int32_t> tokens, size_t pos, bool all_logits,
                                   const std::function<void(size_t, std::span<const float>)>& on_logits = {}) {
  std::span<const float> last;
  for (size_t b = 0; b < tokens.size(); b += model.max_batch()) {
    const size_t n = std::min(model.max_batch(), tokens.size() - b);
    last = model.forward(tokens.subspan(b, n), pos + b, all_logits);
    if (on_logits) on_logits(b, last);
  }
  return last;
}

}  // namespace

std::vector<double> window_nll(RuntimeModel& model, std::span<const int32_t> window) {
  TRIT_CHECK(window.size() >= 2, "window_nll: a window needs at least 2 tokens");
  const size_t T = window.size() - 1, V = size_t(model.hparams().n_vocab);
  std::vector<double> nll(T);
  model.reset();
  run_batches(model, window.first(T), 0, true, [&](size_t first, std::span<const float> logits) {
    for (size_t i = 0; i < logits.size() / V; ++i) {
      const float* row = logits.data() + i * V;
      const double m = *std::max_element(row, row + V);
      double s = 0;
      for (size_t j = 0; j < V; ++j) s += std::exp(double(row[j]) - m);
      const int32_t target = window[first + i + 1];
      TRIT_CHECK(target >= 0 && size_t(target) < V, "window_nll: target token ", target, " outside the vocabulary");
      nll[first + i] = m + std::log(s) - double(row[size_t(target)]);
    }
  });
  return nll;
}

train::EvalResult evaluate_split(RuntimeModel& model, const data::TokenSplit& tokens, double bytes_per_token,
                                 int64_t seq_len, int64_t max_windows,
                                 const std::function<void(int64_t, int64_t)>& on_window) {
  const auto start = Clock::now();
  TRIT_CHECK(seq_len > 0 && size_t(seq_len) <= model.n_ctx(), "evaluation: seq_len ", seq_len,
             " must be 1..", model.n_ctx(), " (the model's context)");
  data::SequentialWindows windows(tokens, seq_len, 0, 1, max_windows);
  const int64_t total = windows.n_windows();
  TRIT_CHECK(total > 0, "evaluation: the split has ", tokens.size(), " tokens, too few for one window of ",
             seq_len + 1);
  std::vector<double> nll;
  std::vector<int32_t> buf;
  int64_t done = 0;
  while (windows.next(1, buf) > 0) {
    const auto part = window_nll(model, buf);
    nll.insert(nll.end(), part.begin(), part.end());
    if (on_window) on_window(++done, total);
  }
  train::EvalResult r = train::summarize_nll(nll, bytes_per_token);
  r.seconds = seconds_since(start);
  return r;
}

std::vector<int32_t> generate(RuntimeModel& model, const std::vector<int32_t>& prompt, int64_t n_new,
                              const train::SamplingOptions& options, const std::function<void(int32_t)>& on_token,
                              train::GenerationStats* stats) {
  TRIT_CHECK(!prompt.empty(), "generate: the prompt is empty (give at least one token)");
  const size_t capacity = std::min(prompt.size() + size_t(std::max<int64_t>(n_new, 0)), model.n_ctx());
  TRIT_CHECK(prompt.size() < capacity || n_new == 0, "generate: prompt of ", prompt.size(),
             " tokens leaves no room in the context of ", model.n_ctx());
  model.reset();
  Generator gen(options.seed);
  const auto t0 = Clock::now();
  std::span<const float> logits = run_batches(model, prompt, 0, false);
  const auto t1 = Clock::now();
  std::vector<int32_t> out;
  std::vector<float> last;
  while (int64_t(out.size()) < n_new && model.n_cached() < capacity) {
    last.assign(logits.begin(), logits.end());
    const uint64_t c = gen.advance(1);
    const double draw = double(gen.words(c)[0]) * 0x1p-32;
    const int32_t next = train::sample_token(last, options, draw);
    out.push_back(next);
    if (on_token) on_token(next);
    if (int64_t(out.size()) == n_new || model.n_cached() >= capacity) break;
    logits = model.forward({&next, 1}, model.n_cached(), false);
  }
  if (stats) {
    stats->prompt_tokens = int64_t(prompt.size());
    stats->generated_tokens = int64_t(out.size());
    stats->prompt_seconds = std::chrono::duration<double>(t1 - t0).count();
    stats->generation_seconds = seconds_since(t1);
  }
  return out;
}

train::BenchResult bench(RuntimeModel& model, int64_t n_prompt, int64_t n_gen, int reps) {
  train::BenchResult r;
  n_prompt = std::min<int64_t>(n_prompt, int64_t(model.n_ctx()) - n_gen);
  TRIT_CHECK(n_prompt > 0, "bench: the context of ", model.n_ctx(), " is too short for ", n_gen, " generated tokens");
  r.n_prompt = n_prompt;
  r.n_gen = n_gen;
  r.threads = int(model.n_threads());
  r.param_bytes = double(model.weight_bytes());
  const int64_t V = model.hparams().n_vocab;
  std::vector<int32_t> ids(static_cast<size_t>(n_prompt));
  for (int64_t i = 0; i < n_prompt; ++i) ids[size_t(i)] = int32_t((i * 7 + 3) % V);
  std::vector<double> pp, tg;
  for (int rep = 0; rep < reps; ++rep) {
    model.reset();
    const auto t0 = Clock::now();
    run_batches(model, ids, 0, false);
    const double prompt_s = seconds_since(t0);
    const auto t1 = Clock::now();
    for (int64_t i = 0; i < n_gen; ++i) {
      const int32_t id = int32_t(i % V);
      model.forward({&id, 1}, model.n_cached(), false);
    }
    pp.push_back(double(n_prompt) / prompt_s);
    tg.push_back(double(n_gen) / seconds_since(t1));
  }
  std::sort(pp.begin(), pp.end());
  std::sort(tg.begin(), tg.end());
  r.prompt_tokens_per_s = pp[pp.size() / 2];
  r.gen_tokens_per_s = tg[tg.size() / 2];
  return r;
}

}  // namespace trit::runtime

#include "trit/runtime/speculative.h"

#include <algorithm>
#include <chrono>

#include "trit/core/error.h"
#include "trit/core/rng.h"

namespace trit::runtime {

std::vector<int32_t> generate_speculative(RuntimeModel& model, const std::vector<int32_t>& prompt, int64_t n_new,
                                          const train::SamplingOptions& sampling, const SpeculativeOptions& options,
                                          const std::function<void(int32_t)>& on_token,
                                          train::GenerationStats* stats, SpeculativeStats* spec_stats) {
  const size_t n_layers = size_t(model.hparams().n_layers);
  TRIT_CHECK(options.draft_layers >= 1 && options.draft_layers < n_layers, "speculative decoding: draft layers ",
             options.draft_layers, " must be 1..", n_layers - 1, " (the model has ", n_layers, ")");
  TRIT_CHECK(options.draft_tokens >= 1 && options.draft_tokens < model.max_batch(), "speculative decoding: draft "
             "tokens ", options.draft_tokens, " must be 1..", model.max_batch() - 1);
  TRIT_CHECK(!prompt.empty(), "generate: the prompt is empty (give at least one token)");
  const size_t capacity = std::min(prompt.size() + size_t(std::max<int64_t>(n_new, 0)), model.n_ctx());
  TRIT_CHECK(prompt.size() < capacity || n_new == 0, "generate: prompt of ", prompt.size(),
             " tokens leaves no room in the context of ", model.n_ctx());
  const size_t V = size_t(model.hparams().n_vocab);
  using Clock = std::chrono::steady_clock;
  SpeculativeStats spec;
  Generator gen(sampling.seed);
  auto pick = [&](const float* logits) {
    const uint64_t c = gen.advance(1);
    const double draw = double(gen.words(c)[0]) * 0x1p-32;
    return train::sample_token(std::vector<float>(logits, logits + V), sampling, draw);
  };
  std::vector<int32_t> out;
  auto emit = [&](int32_t token) {
    out.push_back(token);
    if (on_token) on_token(token);
  };

  model.reset();
  const auto t0 = Clock::now();
  std::span<const float> logits;
  for (size_t b = 0; b < prompt.size(); b += model.max_batch()) {
    const size_t n = std::min(model.max_batch(), prompt.size() - b);
    logits = model.forward(std::span(prompt).subspan(b, n), b, false);
  }
  const auto t1 = Clock::now();
  // `pending` is the newest token, chosen but not yet run, at position `pos`.
  size_t pos = prompt.size();
  int32_t pending = 0;
  if (n_new > 0) {
    pending = pick(logits.data());
    emit(pending);
  }
  std::vector<int32_t> batch;
  // As in runtime::generate, tokens are chosen for positions up to capacity - 1: row i of a
  // pass at pos chooses the token of position pos + i + 1.
  while (int64_t(out.size()) < n_new && pos + 1 < capacity) {
    const size_t n_draft = std::min({options.draft_tokens, capacity - pos - 2, size_t(n_new) - out.size() - 1});
    batch.assign(1, pending);
    for (size_t k = 0; k < n_draft; ++k) {
      const auto draft = model.forward({&batch.back(), 1}, pos + k, false, options.draft_layers);
      batch.push_back(int32_t(std::max_element(draft.begin(), draft.end()) - draft.begin()));
    }
    spec.drafted += int64_t(n_draft);
    ++spec.verify_passes;
    const auto full = model.forward(batch, pos, true);
    // Row i holds the full model's logits after batch[i]; its token is compared with draft i + 1.
    for (size_t i = 0; i < batch.size(); ++i) {
      const int32_t token = pick(full.data() + i * V);
      emit(token);
      const bool agreed = i + 1 < batch.size() && token == batch[i + 1];
      if (agreed) ++spec.accepted;
      if (!agreed || int64_t(out.size()) == n_new) {
        pending = token;
        pos += i + 1;
        break;
      }
    }
  }
  if (stats) {
    stats->prompt_tokens = int64_t(prompt.size());
    stats->generated_tokens = int64_t(out.size());
    stats->prompt_seconds = std::chrono::duration<double>(t1 - t0).count();
    stats->generation_seconds = std::chrono::duration<double>(Clock::now() - t1).count();
  }
  if (spec_stats) *spec_stats = spec;
  return out;
}

}  // namespace trit::runtime

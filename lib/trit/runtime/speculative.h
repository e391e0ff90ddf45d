#pragma once
// Self-speculative decoding: the first `draft_layers` layers of the model (plus the final norm
// and head) draft up to `draft_tokens` tokens greedily, one at a time; the full model then
// runs the pending token and the drafts in one batched pass (the GEMM path: each weight read
// once for all of them) and accepts drafts for as long as they equal the token it picks itself.
// The full model picks every token exactly as runtime::generate does (same logits, the same
// sequence of draws from Generator(seed), sample_token), so the output is identical to plain
// generation for every sampling setting; only the speed differs. A rejected draft costs the
// cache nothing: the next pass overwrites those positions (RuntimeModel::forward rolls back).
#include <cstdint>
#include <functional>
#include <vector>

#include "trit/runtime/runtime_model.h"
#include "trit/train/generate.h"

namespace trit::runtime {

struct SpeculativeOptions {
  size_t draft_layers = 2;  // 1 .. n_layers - 1
  size_t draft_tokens = 4;  // drafts per verification pass, >= 1
};

struct SpeculativeStats {
  int64_t drafted = 0;   // draft tokens proposed
  int64_t accepted = 0;  // of which the full model agreed with
  int64_t verify_passes = 0;
  double acceptance() const { return drafted ? double(accepted) / double(drafted) : 0.0; }
};

std::vector<int32_t> generate_speculative(RuntimeModel& model, const std::vector<int32_t>& prompt, int64_t n_new,
                                          const train::SamplingOptions& sampling, const SpeculativeOptions& options,
                                          const std::function<void(int32_t)>& on_token = {},
                                          train::GenerationStats* stats = nullptr,
                                          SpeculativeStats* spec_stats = nullptr);

}  // namespace trit::runtime

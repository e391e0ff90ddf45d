#pragma once
// Helpers for tests that hold a runtime (GGUF) model against the training-side model: random
// models whose norms are not all 1 (so a misplaced norm shows), fixed token sequences, the
// training side's logits, and relative errors between logit vectors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "support/check.h"
#include "trit/autograd/grad_mode.h"
#include "trit/core/rng.h"
#include "trit/models/model.h"

namespace trit::test {

// Every parameter whose name contains "norm" gets values in [0.5, 1.5); then eval mode.
inline void randomize_norms(models::LanguageModel& model, uint64_t seed) {
  for (auto& [name, t] : model.named_parameters()) {
    if (name.find("norm") == std::string::npos) continue;
    Generator ng(seed + 17);
    const Tensor r = Tensor::rand({t.numel()}, ng);
    float* p = t.data<float>();
    const float* rp = r.data<float>();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = 0.5f + rp[i];
  }
  model.eval();
}

// n byte-range ids from a 64-bit LCG: the same sequence on every platform.
inline std::vector<int32_t> sample_ids(size_t n, uint64_t seed) {
  std::vector<int32_t> ids(n);
  uint64_t s = seed;
  for (auto& id : ids) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    id = int32_t((s >> 33) % 256);
  }
  return ids;
}

inline std::vector<float> reference_logits(models::LanguageModel& model, const std::vector<int32_t>& ids) {
  NoGradGuard no_grad;
  return model.forward(Tensor::from_vector(ids, {1, int64_t(ids.size())})).to_vector<float>();
}

// max |a - b| / max |b|
inline double relative_error(std::span<const float> a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double diff = 0, scale = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    diff = std::max(diff, double(std::fabs(a[i] - b[i])));
    scale = std::max(scale, double(std::fabs(b[i])));
  }
  return diff / scale;
}

// mean |a - b| / mean |b|
inline double mean_relative_error(std::span<const float> a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double diff = 0, scale = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    diff += std::fabs(double(a[i]) - double(b[i]));
    scale += std::fabs(double(b[i]));
  }
  return diff / scale;
}

// Prefilling 5 tokens into a KV cache and then decoding 3 one at a time gives the logits of
// the full forward over all 8.
inline void check_kv_cache_matches_full(models::LanguageModel& model) {
  NoGradGuard no_grad;
  const Tensor ids = Tensor::from_vector<int32_t>({3, 1, 4, 1, 5, 9, 2, 6}, {1, 8});
  const Tensor full = model.forward(ids);
  models::KVCache cache = model.make_cache(1, 8);
  const Tensor prompt = model.forward(ids.narrow(1, 0, 5).contiguous(), &cache);
  check_close(prompt, full.narrow(1, 0, 5), 1e-5, 1e-5);
  for (int64_t t = 5; t < 8; ++t) {
    const Tensor step = model.forward(ids.narrow(1, t, 1).contiguous(), &cache);
    check_close(step, full.narrow(1, t, 1), 1e-5, 1e-5);
  }
  CHECK(cache.length() == 8);
}

}  // namespace trit::test

#include "trit/nn/spectral_embedding.h"

#include <cmath>
#include <numbers>

#include "trit/core/parallel.h"
#include "trit/ops/ops.h"

namespace trit::nn {

SpectralFeatures parse_spectral_features(const std::string& name) {
  if (name == "magnitude") return SpectralFeatures::magnitude;
  if (name == "phase") return SpectralFeatures::phase;
  if (name == "both") return SpectralFeatures::both;
  fail("unknown spectral features '", name, "' (valid: magnitude, phase, both)");
}

EmbeddingMode parse_embedding_mode(const std::string& name) {
  if (name == "spectral") return EmbeddingMode::spectral;
  if (name == "table") return EmbeddingMode::table;
  if (name == "both") return EmbeddingMode::both;
  fail("unknown embedding '", name, "' (valid: spectral, table, both)");
}

SpectralEmbedding::SpectralEmbedding(const SpectralEmbeddingConfig& c, Generator& gen) : config_(c) {
  TRIT_CHECK(c.window >= 2 && c.window % 2 == 0 && c.window <= 4096, "SpectralEmbedding: window ", c.window,
             " must be even and in [2, 4096]");
  TRIT_CHECK(c.n_vocab >= 2 && c.d_model > 0, "SpectralEmbedding: n_vocab ", c.n_vocab, " and d_model ", c.d_model,
             " must be positive (n_vocab >= 2)");
  const int64_t W = c.window, F = W / 2 + 1;
  std::vector<float> m(size_t(W * 2 * F));
  for (int64_t j = 0; j < W; ++j)
    for (int64_t k = 0; k < F; ++k) {
      const double a = 2.0 * std::numbers::pi * double(j * k % W) / double(W);
      m[size_t(j * 2 * F + k)] = float(std::cos(a));
      m[size_t(j * 2 * F + F + k)] = float(-std::sin(a));
    }
  dft_ = Tensor::from_vector<float>(m, {W, 2 * F});
  if (c.mode != EmbeddingMode::table) {
    LinearConfig lc;
    lc.in = n_features();
    lc.out = c.d_model;
    lc.bias = true;
    // The same scale as the table: at 1/sqrt(n_features) (outputs O(1)) the smeared window
    // features drowned the byte identity and the model learned 0.4 bits per byte slower.
    lc.init_std = c.init_std;
    proj = register_module("proj", std::make_shared<Linear>(lc, gen));
  }
  if (c.mode != EmbeddingMode::spectral)
    table = register_module("table", std::make_shared<Embedding>(EmbeddingConfig{c.n_vocab, c.d_model, c.init_std}, gen));
}

int64_t SpectralEmbedding::n_features() const {
  const int64_t F = config_.window / 2 + 1;
  switch (config_.features) {
    case SpectralFeatures::magnitude: return F;
    case SpectralFeatures::phase: return 2 * F;
    case SpectralFeatures::both: return 3 * F;
  }
  return 0;
}

Tensor SpectralEmbedding::features(const Tensor& ids) const {
  TRIT_CHECK(ids.dtype() == DType::i32 && ids.dim() == 2, "SpectralEmbedding: ids must be i32 [B, T], got ",
             dtype_name(ids.dtype()), " ", shape_str(ids.shape()));
  NoGradGuard no_grad;
  const Tensor ic = contiguous(ids);
  const int64_t B = ids.size(0), T = ids.size(1), W = config_.window, F = W / 2 + 1;
  const int32_t* ip = ic.data<int32_t>();
  // Windows [B*T, W]: row (b, t) holds s[t-W+1 .. t], zeros before the sequence start.
  Tensor win = Tensor::zeros({B * T, W});
  float* wp = win.data<float>();
  const float mid = float(config_.n_vocab - 1) / 2.0f;
  for (int64_t i = 0; i < B * T; ++i)
    TRIT_CHECK(ip[i] >= 0 && ip[i] < config_.n_vocab, "SpectralEmbedding: id ", ip[i], " out of range [0, ",
               config_.n_vocab, ")");
  parallel_for(B * T, 256, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t b = r / T, t = r % T;
      for (int64_t j = std::max<int64_t>(0, W - 1 - t); j < W; ++j)
        wp[r * W + j] = (float(ip[b * T + t - W + 1 + j]) - mid) / mid;
    }
  });
  const Tensor spec = matmul(win, dft_);  // [B*T, 2F]: re then im
  const int64_t nf = n_features();
  Tensor out = Tensor::empty({B, T, nf});
  const float* sp = spec.data<float>();
  float* op = out.data<float>();
  const float inv_sqrt_w = 1.0f / std::sqrt(float(W));
  const bool mag = config_.features != SpectralFeatures::phase, phase = config_.features != SpectralFeatures::magnitude;
  parallel_for(B * T, 256, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      float* o = op + r * nf;
      for (int64_t k = 0; k < F; ++k) {
        const float re = sp[r * 2 * F + k], im = sp[r * 2 * F + F + k];
        const float a = std::sqrt(re * re + im * im);
        if (mag) *o++ = a * inv_sqrt_w;
        if (phase) {
          *o++ = a > 1e-6f ? re / a : 1.0f;
          *o++ = a > 1e-6f ? im / a : 0.0f;
        }
      }
    }
  });
  return out;
}

Tensor SpectralEmbedding::forward(const Tensor& ids) const {
  Tensor x;
  if (proj) x = proj->forward(features(ids));
  if (table) x = x.defined() ? x + table->forward(ids) : table->forward(ids);
  return x;
}

}  // namespace trit::nn

#pragma once
// Spectral byte embedding: each position t sees the DFT of the W most recent bytes
// (t-W+1 ..= t, zeros before the start of the sequence), so it is causal by construction.
// Bytes become a signal s = (id - m) / m, m = (n_vocab - 1) / 2 (bytes: [-1, 1]). For bins
// k = 0 ..= W/2 the window's spectrum X_k(t) = sum_j s[t-W+1+j] e^{-2 pi i jk/W} gives
//   magnitude features |X_k| / sqrt(W)                 (W/2+1 values)
//   phase features     (cos phi_k, sin phi_k) = X_k/|X_k|  ((1, 0) where |X_k| = 0; W+2 values)
// All positions at once: the windows are unfolded into [B*T, W] and multiplied by the DFT matrix
// [W, 2 (W/2+1)] (one GEMM). The features depend on the ids only, so they carry no gradient; a
// learned full-precision projection (with bias) maps them to d_model. Mode `both` adds an
// ordinary embedding table (parameter "table.weight"); mode `table` is the table alone (the
// ablation baseline). Shapes: ids i32 [B, T] -> [B, T, d_model].
#include <memory>
#include <string>

#include "trit/nn/embedding.h"
#include "trit/nn/linear.h"
#include "trit/nn/module.h"

namespace trit::nn {

enum class SpectralFeatures { magnitude, phase, both };
enum class EmbeddingMode { spectral, table, both };
SpectralFeatures parse_spectral_features(const std::string& name);  // magnitude | phase | both
EmbeddingMode parse_embedding_mode(const std::string& name);        // spectral | table | both

struct SpectralEmbeddingConfig {
  int64_t n_vocab = 256;
  int64_t d_model = 0;
  int64_t window = 16;  // W, even, >= 2
  SpectralFeatures features = SpectralFeatures::both;
  EmbeddingMode mode = EmbeddingMode::both;
  double init_std = 0.02;
};

class SpectralEmbedding : public Module {
 public:
  SpectralEmbedding(const SpectralEmbeddingConfig& config, Generator& gen);
  Tensor forward(const Tensor& ids) const;
  // The features alone, [B, T, n_features()] (no gradient); what forward projects.
  Tensor features(const Tensor& ids) const;
  int64_t n_features() const;
  const SpectralEmbeddingConfig& config() const { return config_; }

  std::shared_ptr<Linear> proj;    // null in mode table
  std::shared_ptr<Embedding> table;  // null in mode spectral

 private:
  SpectralEmbeddingConfig config_;
  Tensor dft_;  // [W, 2 (W/2+1)]: cos columns, then -sin columns
};

}  // namespace trit::nn

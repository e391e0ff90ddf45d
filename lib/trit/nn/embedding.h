#pragma once
// Embedding: token ids (i32, any shape) -> rows of weight [n_vocab, dim], giving [..., dim].
#include <cstdint>

#include "trit/core/rng.h"
#include "trit/nn/module.h"

namespace trit::nn {

struct EmbeddingConfig {
  int64_t n_vocab = 0;
  int64_t dim = 0;
  double init_std = 0.02;  // weight ~ N(0, init_std^2)
  DType dtype = DType::f32;
};

class Embedding : public Module {
 public:
  Embedding(const EmbeddingConfig& config, Generator& gen);
  Tensor forward(const Tensor& ids) const;
  const EmbeddingConfig& config() const { return config_; }

  Tensor weight;

 private:
  EmbeddingConfig config_;
};

}  // namespace trit::nn

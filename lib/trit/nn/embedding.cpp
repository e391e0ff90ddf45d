#include "trit/nn/embedding.h"

#include "trit/nn/init.h"
#include "trit/ops/index.h"

namespace trit::nn {

Embedding::Embedding(const EmbeddingConfig& config, Generator& gen) : config_(config) {
  TRIT_CHECK(config.n_vocab > 0 && config.dim > 0, "Embedding: n_vocab (", config.n_vocab, ") and dim (",
             config.dim, ") must be positive");
  weight = register_parameter("weight", Tensor::empty({config.n_vocab, config.dim}, config.dtype));
  init::normal_(weight, config.init_std, gen);
}

Tensor Embedding::forward(const Tensor& ids) const {
  TRIT_CHECK(ids.dtype() == DType::i32, "Embedding", weight.name_suffix(), ": ids have dtype ",
             dtype_name(ids.dtype()), ", expected i32");
  return embedding(weight, ids);
}

}  // namespace trit::nn

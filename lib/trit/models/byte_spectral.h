#pragma once
// byte_spectral: a tokenizer-free model whose input is the spectrum of the raw byte signal and
// whose sequence mixing costs O(T log T) (issue 9).
//   x = SpectralEmbedding(ids)                        (nn/spectral_embedding.h; config.embedding,
//                                                      spectral_window, spectral_features)
//   block i: h = x + Mix(n1(x)),  out = h + FFN(n2(h))
//     Mix = HyenaMixer (nn/hyena.h, config.filter), or, when attention_every = K > 0 and
//           (i+1) % K == 0, a whole BitNet attention block (models/decoder.h) instead;
//     FFN = GluFfn with BitLinear projections and sub-norm, as the bitnet family.
//   logits = head(norm(x))   head: full precision; tied to the table when the embedding has one
//                            and tie_embeddings is set, else its own [V, C] matrix.
// Parameter names: embed.{proj.{weight,bias},table.weight}, layers.<i>.{mix_norm, mixer.*,
// ffn_norm, ffn.*} (attention layers: layers.<i>.{attn_norm, attn.*, ffn_norm, ffn.*}),
// norm.weight, head.weight.
//
// Generation: the long convolutions have no fixed-size recurrent state, so decoding recomputes
// the whole forward over the prefix kept in KVCache::prefix (O(T log T) per new token, T <=
// max_seq_len); make_cache returns that prefix buffer, and forward(ids, cache) appends ids to
// it and returns the logits of the new positions only. Exact, not an approximation.
#include <memory>
#include <vector>

#include "trit/models/decoder.h"
#include "trit/models/model.h"
#include "trit/nn/glu_ffn.h"
#include "trit/nn/hyena.h"
#include "trit/nn/linear.h"
#include "trit/nn/rms_norm.h"
#include "trit/nn/spectral_embedding.h"

namespace trit::models {

class HyenaBlock : public nn::Module {
 public:
  HyenaBlock(const ModelConfig& config, Generator& gen);
  Tensor forward(const Tensor& x) const;

  std::shared_ptr<nn::RMSNorm> mix_norm, ffn_norm;
  std::shared_ptr<nn::HyenaMixer> mixer;
  std::shared_ptr<nn::GluFfn> ffn;
};

class ByteSpectral : public LanguageModel {
 public:
  ByteSpectral(const ModelConfig& config, Generator& gen);
  Tensor forward(const Tensor& ids, KVCache* cache = nullptr) override;
  KVCache make_cache(int64_t batch, int64_t capacity) const override;
  bool is_attention_layer(int64_t i) const;

  std::shared_ptr<nn::SpectralEmbedding> embed;
  std::shared_ptr<nn::ModuleList<nn::Module>> layers;
  std::shared_ptr<nn::RMSNorm> norm;
  std::shared_ptr<nn::Linear> head;  // null when tied to embed->table

 private:
  Tensor forward_full(const Tensor& ids) const;
  std::vector<std::shared_ptr<HyenaBlock>> hyena_;     // per layer, null for attention layers
  std::vector<std::shared_ptr<DecoderBlock>> attention_;  // per layer, null for Hyena layers
};

}  // namespace trit::models

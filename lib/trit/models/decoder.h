#pragma once
// The decoder-only transformer behind two families (DESIGN.md, "The BitNet block"):
//   bitnet:      h = x + Wo(subnorm_a(Attn(...)));  out = h + Wd(subnorm_f(act(Wg n2(h)) * Wu n2(h)))
//                with every projection a BitLinear (ternary weights, int8 activations);
//   transformer: the same with plain Linear layers and no sub-norms (llama.cpp's llama graph).
// Token embedding and output head in full precision, tied by default; final RMSNorm.
// Parameter names: tok_emb.weight, layers.<i>.{attn_norm, attn.{q,k,v,o,sub_norm},
// ffn_norm, ffn.{gate,up,down,sub_norm}}.weight, norm.weight, head.weight (untied only).
#include <memory>

#include "trit/models/model.h"
#include "trit/nn/attention.h"
#include "trit/nn/embedding.h"
#include "trit/nn/glu_ffn.h"
#include "trit/nn/linear.h"
#include "trit/nn/rms_norm.h"

namespace trit::models {

// The block parts of a model config, shared by every family built on the decoder's block:
// GPT-2's scaled init std for projections that write into the residual stream, and the
// attention and GLU FFN configs (ternary: BitLinear projections and BitNet's sub-norms).
double residual_init_std(const ModelConfig& config);
nn::AttentionConfig attention_config(const ModelConfig& config, bool ternary);
nn::GluFfnConfig glu_ffn_config(const ModelConfig& config, bool ternary);
// The untied output head [vocab, d_model] (no bias), and a zeroed KV cache for every layer.
nn::LinearConfig head_config(const ModelConfig& config);
KVCache make_kv_cache(const ModelConfig& config, int64_t batch, int64_t capacity);

class DecoderBlock : public nn::Module {
 public:
  DecoderBlock(const ModelConfig& config, bool ternary, Generator& gen);
  Tensor forward(const Tensor& x, nn::LayerCache* cache) const;

  std::shared_ptr<nn::RMSNorm> attn_norm, ffn_norm;
  std::shared_ptr<nn::CausalSelfAttention> attn;
  std::shared_ptr<nn::GluFfn> ffn;
};

class Decoder : public LanguageModel {
 public:
  Decoder(const ModelConfig& config, bool ternary, Generator& gen);
  Tensor forward(const Tensor& ids, KVCache* cache = nullptr) override;
  KVCache make_cache(int64_t batch, int64_t capacity) const override;
  bool ternary() const { return ternary_; }

  std::shared_ptr<nn::Embedding> tok_emb;
  std::shared_ptr<nn::ModuleList<DecoderBlock>> layers;
  std::shared_ptr<nn::RMSNorm> norm;
  std::shared_ptr<nn::Linear> head;  // null when tied to tok_emb

 private:
  bool ternary_;
};

}  // namespace trit::models

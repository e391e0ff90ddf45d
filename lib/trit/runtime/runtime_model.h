#pragma once
// A GGUF decoder model (`bitnet`, `llama` or trit's `trix` architecture) ready to run on the CPU.
//
// Load: the file is memory-mapped (madvise WILLNEED + SEQUENTIAL while it is read), its
// hparams and tokenizer read (model_hparams.h, gguf_tokenizer.h), and every weight repacked
// once into the form its kernel wants (linear_weights.h); the map is released afterwards.
// All activation buffers, the KV cache (float32 or float16, n_ctx positions) and the RoPE table are
// allocated at load; forward() allocates nothing. Loading sets OpenBLAS to one thread for the
// whole process: dense products run as row slices inside the runtime's own pool.
//
// Graph (docs/runtime-model.md; the reference is /work/shared/reference/llama-cpp-formats.md):
//   bitnet: BitLinear projections (per-token int8 activations, ternary weights), sub-norms
//           before attn_output and ffn_down, NEOX RoPE: trit's training-side forward.
//   llama:  float projections, no sub-norms, interleaved (NORM) RoPE as llama.cpp computes it.
//   trix:   bitnet's attention; the FFN is E ternary tiles of which each token runs only the one
//           its router picks (tile_ffn.h, tile_routing.h; docs/formats.md, "TriX GGUF").
// Both: RMSNorm, grouped-query causal attention, SwiGLU, final norm, head = output.weight
// or the tied token embedding. forward() runs up to max_batch tokens as one batch (the GEMM
// path of the kernels); the KV cache makes later calls incremental.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

#include "trit/data/tokenizer.h"
#include "trit/runtime/aligned_buffer.h"
#include "trit/runtime/decoder_ops.h"
#include "trit/runtime/linear_weights.h"
#include "trit/runtime/model_hparams.h"
#include "trit/runtime/thread_pool.h"
#include "trit/runtime/tile_ffn.h"

namespace trit::runtime {

struct RuntimeOptions {
  size_t n_threads = 0;    // 0: all cores
  size_t max_batch = 256;  // tokens per forward call
  size_t n_ctx = 0;        // KV cache positions; 0: the file's context_length
  bool kv_f16 = false;     // float16 KV cache (half the attention traffic; keys and values
                           // rounded to fp16, so results move away from the training side)
  // cuda: the ternary projections run on that GPU (ternary_offload.h; identical results), the
  // rest (norms, RoPE, attention, dense weights, the head) on the CPU.
  Device device = Device::cpu();
};

class RuntimeModel {
 public:
  explicit RuntimeModel(const std::filesystem::path& path, const RuntimeOptions& options = {});

  const ModelHparams& hparams() const { return hp_; }
  // The file's tokenizer, if it has a gpt2 vocabulary.
  const std::optional<data::TokenizerSpec>& tokenizer() const { return tokenizer_; }
  size_t n_ctx() const { return n_ctx_; }
  size_t max_batch() const { return max_batch_; }
  size_t n_threads() const { return pool_.size(); }
  size_t n_cached() const { return n_cached_; }  // positions held by the KV cache
  size_t weight_bytes() const;                   // packed weights, embedding, norms
  size_t buffer_bytes() const;                   // activations and KV cache
  size_t n_ternary_layers() const;               // projections on the ternary kernels
  size_t device_bytes() const;                   // weights copied to the accelerator
  Device device() const { return device_; }

  // Runs `tokens` (1..max_batch) at positions pos, pos+1, ...; pos <= n_cached() (positions
  // from pos on are overwritten: a rollback). Returns the logits [n, n_vocab] of every token,
  // or of the last only [n_vocab] when all_logits is false; valid until the next call.
  // n_layers < hparams().n_layers runs only the first layers, then the final norm and head
  // (a draft model for self-speculative decoding; it writes the cache of those layers only,
  // and its pos may reach past n_cached() up to the draft's own cached positions).
  std::span<const float> forward(std::span<const int32_t> tokens, size_t pos, bool all_logits = true,
                                 size_t n_layers = SIZE_MAX);
  void reset() { n_cached_ = draft_cached_ = 0; }

 private:
  struct Layer {
    std::vector<float> attn_norm, attn_sub_norm, ffn_norm, ffn_sub_norm;
    LinearWeights q, k, v, o, gate, up, down;  // gate, up, down empty for trix
    TileFfnLayer tiles;                          // trix only
    KvLayer kv;
  };
  // y = W x for n rows of x (row stride = buffer stride). For the bitnet architecture x is
  // quantized per token first (into qa_), once for all of `weights`.
  void project(std::initializer_list<std::pair<const LinearWeights*, float*>> outputs, const float* x, size_t n,
               size_t cols);

  ModelHparams hp_;
  std::optional<data::TokenizerSpec> tokenizer_;
  size_t n_ctx_ = 0, max_batch_ = 0;
  ThreadPool pool_;
  std::vector<float> tok_embd_;  // [n_vocab, d] float32: lookup and (tied) head
  LinearWeights output_;         // untied head (llama); empty when tied
  bool tied_ = true;
  std::vector<float> output_norm_;
  std::vector<Layer> layers_;
  RopeTable rope_;
  AttentionShape attn_shape_;
  Device device_;
  size_t n_cached_ = 0;      // positions every layer's cache holds
  size_t draft_cached_ = 0;  // positions the first (draft) layers' cache holds

  // Activations, [max_batch, width] each.
  std::vector<float> x_, xn_, q_, k_, v_, att_, tmp_, gate_, up_, fake_, logits_;
  size_t qa_stride_ = 0;
  AlignedBuffer<int8_t> qa_;
  std::vector<float> qa_scale_;
  std::vector<int32_t> qa_sum_;
  TileFfnScratch tile_scratch_;  // trix
};

}  // namespace trit::runtime

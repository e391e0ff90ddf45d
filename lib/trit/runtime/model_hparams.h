#pragma once
// Hyperparameters of a GGUF decoder model (the `bitnet` and `llama` architectures, and trit's
// own `trix`), read from the metadata keys llama.cpp reads (docs:
// /work/shared/reference/llama-cpp-formats.md; trix: docs/formats.md, "TriX GGUF"):
//   general.architecture                        "bitnet" | "llama" | "trix"
//   <arch>.embedding_length, .block_count,
//   .feed_forward_length, .attention.head_count  u32 (required)
//   <arch>.attention.head_count_kv               u32 (default head_count)
//   <arch>.context_length                        u32 (required)
//   <arch>.attention.layer_norm_rms_epsilon      f32 (required)
//   <arch>.rope.freq_base                        f32 (default 10000)
//   <arch>.rope.dimension_count                  u32 (optional; must equal the head dim)
//   trix only: trix.expert_count (u32, n_tiles), trix.expert_used_count (u32, must be 1 if
//   present), trix.router (string), trix.ffn_activation (string, default "swiglu");
//   feed_forward_length is then the width of one tile.
// n_vocab comes from token_embd.weight (ne[1]).
#include <cstdint>
#include <string>

#include "trit/formats/gguf_reader.h"
#include "trit/nn/tile_router.h"

namespace trit::runtime {

enum class ModelArch { bitnet, llama, trix };

struct ModelHparams {
  ModelArch arch = ModelArch::bitnet;
  int64_t n_vocab = 0;
  int64_t d_model = 0;
  int64_t n_layers = 0;
  int64_t n_heads = 0;
  int64_t n_kv_heads = 0;
  int64_t d_ff = 0;
  int64_t n_ctx = 0;
  float norm_eps = 1e-5f;
  float rope_theta = 10000.0f;
  // trix: n_tiles tiles of width d_ff, one per token chosen by `router`.
  int64_t n_tiles = 0;
  nn::RouterKind router = nn::RouterKind::signature;
  bool relu2 = false;  // ffn_activation relu2_glu (else swiglu)

  int64_t head_dim() const { return d_model / n_heads; }
  int64_t d_kv() const { return head_dim() * n_kv_heads; }
  // bitnet and trix run BitLinear projections (int8 activations, ternary weights, sub-norms).
  bool bitlinear() const { return arch != ModelArch::llama; }
  std::string arch_name() const {
    return arch == ModelArch::bitnet ? "bitnet" : (arch == ModelArch::llama ? "llama" : "trix");
  }
};

// Reads and checks the hparams; errors name the file and the key.
ModelHparams read_hparams(const formats::GgufReader& reader);

}  // namespace trit::runtime

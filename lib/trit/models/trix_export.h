#pragma once
// Export of a trix model (trit/models/trix.h) to GGUF under trit's own architecture name
// "trix" (docs/formats.md, "TriX GGUF"). llama.cpp has no "trix" architecture and cannot load
// or run these files; trix_llama_cpp_notice() is the message the converter prints.
//
// Layout: the BitNet tensors of llama.cpp's "bitnet" architecture for everything but the FFN;
// each layer's tiles are stacked along a third dimension as llama.cpp stacks MoE experts:
//   blk.N.ffn_gate_exps.weight, blk.N.ffn_up_exps.weight  ne [n_embd, d_tile, n_tiles]
//   blk.N.ffn_down_exps.weight                              ne [d_tile, n_embd, n_tiles]
//     or, under tq1_0 / tq2_0 when d_tile is not a multiple of 256 (TQ rows are 256 values),
//   blk.N.ffn_down_exps_t.weight: each tile's down weight transposed, ne [n_embd, d_tile, n_tiles]
//   blk.N.ffn_sub_norm_exps.weight (F32)                    ne [d_tile, n_tiles]
//   blk.N.ffn_gate_inp.weight (F32, learned router only)    ne [n_embd, n_tiles]
//   blk.N.ffn_gate_tok.weight (F32, router prior only)      ne [n_tiles, n_vocab]
// Ternary weights are written in the type asked for: f32, f16, bf16 with the absmean scale
// folded in (values -s, 0, +s, per tile for the stacked tensors); tq1_0, tq2_0 as codes (block
// d = 1, or 0 for an all-zero block) plus the exact f32 multiplier s in `<name>.scale`: [1]
// for a 2-D weight, [n_tiles] for a stacked one (as trit-convert's bitnet export, so the
// runtime gets the training side's scales exactly). Norms and the token embedding (tied output
// head) are F32. trit's runtime (trit/runtime/runtime_model.h) and trit-eval run these files.
#include <filesystem>
#include <string>

#include "trit/formats/gguf.h"
#include "trit/models/trix.h"

namespace trit::models {

struct TrixExportOptions {
  std::string type = "f16";  // f32 | f16 | bf16 | tq1_0 | tq2_0 (ternary projections)
  std::string name;          // general.name (empty: not written)
  formats::GgufMetadata extra;  // appended as is (e.g. tokenizer.* keys)
};

void write_trix_gguf(const Trix& model, const std::filesystem::path& path, const TrixExportOptions& options);

// The one-line warning that llama.cpp cannot run the file.
std::string trix_llama_cpp_notice();

}  // namespace trit::models

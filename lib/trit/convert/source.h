#pragma once
// Reading a model into the converter's form (model.h) from any input trit-convert accepts:
//   - a trit checkpoint (.h5), or a run folder (its checkpoints/latest);
//   - a GGUF file of architecture bitnet or llama (tensors dequantized; a bitnet's
//     `.scale` tensors give the exact ternary form; llama's Q/K rows are un-permuted);
//   - a safetensors file, or a folder of them, with Hugging Face names: the config trit wrote
//     into the file's __metadata__ ("trit.hf_config") or else the config.json beside it
//     (LlamaForCausalLM, BitNetForCausalLM, BitnetForCausalLM). trit's "trit.tokenizer"
//     metadata or a tokenizer.json beside it (a byte-level BPE) gives the tokenizer.
#include <filesystem>

#include "trit/convert/model.h"
#include "trit/data/tokenizer.h"
#include "trit/formats/gguf_value.h"

namespace trit::convert {

enum class SourceKind { checkpoint, gguf, safetensors };

// The file kind of `path` (a folder: run folder -> checkpoint, else safetensors); throws
// naming the path when it is none of them.
SourceKind detect_source(const std::filesystem::path& path);
// The file a run folder's checkpoints/latest names (or `path` itself for a file).
std::filesystem::path resolve_checkpoint(const std::filesystem::path& path);

ConvModel load_checkpoint_source(const std::filesystem::path& path);
ConvModel load_gguf_source(const std::filesystem::path& path);
ConvModel load_safetensors_source(const std::filesystem::path& path);
ConvModel load_source(const std::filesystem::path& path);

// The tokenizer.ggml.* keys of a trit tokenizer as a GGUF `gpt2` tokenizer (docs/formats.md).
formats::GgufMetadata tokenizer_metadata(const data::TokenizerSpec& spec, const std::string& where);

}  // namespace trit::convert

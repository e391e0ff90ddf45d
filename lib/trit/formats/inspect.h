#pragma once
// Human-readable listing of a model or checkpoint file: its metadata and a tensor table
// (name, type, shape, offset, bytes). Used by `trit-convert --inspect`.
//
// Output (GGUF; safetensors and checkpoints follow the same pattern):
//   model.gguf: GGUF v3, 2 metadata keys, 1 tensor, alignment 32, data section at offset 96
//   metadata:
//     general.architecture: string = "bitnet"
//     tokenizer.ggml.tokens: array[string] = [151936 strings]
//   tensors (shape in ggml order, innermost first; offsets relative to the data section):
//     name               type  shape        offset  bytes
//     token_embd.weight  F16   [256, 1000]  0       512000
// Arrays longer than max_array_items are abbreviated to their count; strings are quoted
// with ", \ and control characters escaped.
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>

#include "trit/formats/gguf_value.h"

namespace trit::formats {

enum class FileKind { gguf, safetensors, checkpoint, unknown };

// Decided from the first bytes: "GGUF", the HDF5 signature, or a u64 length then '{'.
FileKind detect_file_kind(const std::filesystem::path& path);

struct InspectOptions {
  size_t max_array_items = 16;
};

// Throws trit::Error naming the file for unknown or invalid files.
void inspect_file(const std::filesystem::path& path, std::ostream& out, const InspectOptions& options = {});

std::string quote_string(std::string_view s);
std::string format_gguf_value(const GgufValue& value, size_t max_array_items);

}  // namespace trit::formats

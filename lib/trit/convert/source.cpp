// Which kind of input trit-convert was given, and loading it.
#include "trit/convert/source.h"

#include "trit/core/error.h"
#include "trit/formats/inspect.h"

namespace trit::convert {

SourceKind detect_source(const std::filesystem::path& path) {
  TRIT_CHECK(std::filesystem::exists(path), path.string(), ": no such file or folder");
  if (std::filesystem::is_directory(path)) {
    if (std::filesystem::exists(path / "checkpoints")) return SourceKind::checkpoint;
    return SourceKind::safetensors;
  }
  switch (formats::detect_file_kind(path)) {
    case formats::FileKind::gguf: return SourceKind::gguf;
    case formats::FileKind::safetensors: return SourceKind::safetensors;
    case formats::FileKind::checkpoint: return SourceKind::checkpoint;
    case formats::FileKind::unknown: break;
  }
  fail(path.string(), ": not a trit checkpoint, GGUF or safetensors file");
}

ConvModel load_source(const std::filesystem::path& path) {
  switch (detect_source(path)) {
    case SourceKind::checkpoint: return load_checkpoint_source(path);
    case SourceKind::gguf: return load_gguf_source(path);
    case SourceKind::safetensors: return load_safetensors_source(path);
  }
  fail(path.string(), ": unknown input kind");
}

}  // namespace trit::convert

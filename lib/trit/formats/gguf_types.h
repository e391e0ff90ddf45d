#pragma once
// The ggml tensor types GGUF files may hold that trit knows the size of: type id -> (elements
// per block, bytes per block). Ids are ggml's (ggml.h enum ggml_type) and never change.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "trit/formats/quant_type.h"

namespace trit::formats {

struct GgmlTypeInfo {
  uint32_t id;
  std::string_view name;
  uint32_t block_size;      // elements per block (1 for plain types)
  uint32_t bytes_per_block;
};

// The facts come from the one list of types in quant_type.h (TRIT_QUANT_TYPES).
enum class GgmlType : uint32_t {
#define X(e, id, n, bs, ts, fin) e = id,
  TRIT_QUANT_TYPES(X)
#undef X
};

constexpr std::optional<GgmlTypeInfo> ggml_type_info(uint32_t id) {
  switch (id) {
#define X(e, i, n, bs, ts, fin) case i: return GgmlTypeInfo{i, #e, bs, ts};
    TRIT_QUANT_TYPES(X)
#undef X
  }
  return std::nullopt;
}

// "Q8_0" for known ids, "type 17" for others (still printable in an inspection table).
inline std::string ggml_type_name(uint32_t id) {
  if (auto info = ggml_type_info(id)) return std::string(info->name);
  return "type " + std::to_string(id);
}

}  // namespace trit::formats

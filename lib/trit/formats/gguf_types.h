#pragma once
// The ggml tensor types GGUF files may hold that trit knows the size of: type id -> (elements
// per block, bytes per block). Ids are ggml's (ggml.h enum ggml_type) and never change.
// Kept in one small header so it can be replaced by the quant codecs' table at merge.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trit::formats {

struct GgmlTypeInfo {
  uint32_t id;
  std::string_view name;
  uint32_t block_size;      // elements per block (1 for plain types)
  uint32_t bytes_per_block;
};

//        name   id  block bytes
#define TRIT_GGML_TYPES(X) \
  X(F32, 0, 1, 4)          \
  X(F16, 1, 1, 2)          \
  X(Q4_0, 2, 32, 18)       \
  X(Q8_0, 8, 32, 34)       \
  X(Q4_K, 12, 256, 144)    \
  X(BF16, 30, 1, 2)        \
  X(TQ1_0, 34, 256, 54)    \
  X(TQ2_0, 35, 256, 66)

enum class GgmlType : uint32_t {
#define X(n, id, b, s) n = id,
  TRIT_GGML_TYPES(X)
#undef X
};

// nullopt for ids trit does not know (their data size cannot be computed).
constexpr std::optional<GgmlTypeInfo> ggml_type_info(uint32_t id) {
  switch (id) {
#define X(n, i, b, s) case i: return GgmlTypeInfo{i, #n, b, s};
    TRIT_GGML_TYPES(X)
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

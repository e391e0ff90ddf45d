#include "trit/formats/gguf.h"

#include <limits>

#include "trit/formats/gguf_types.h"

namespace trit::formats {

uint64_t align_up(uint64_t value, uint64_t alignment) {
  const uint64_t mask = alignment - 1;
  TRIT_CHECK(value <= std::numeric_limits<uint64_t>::max() - mask, "offset ", value,
             " overflows when aligned to ", alignment);
  return (value + mask) & ~mask;
}

uint64_t ggml_tensor_bytes(uint32_t type, std::span<const int64_t> shape, std::string_view context) {
  const auto info = ggml_type_info(type);
  if (!info) fail(context, " has ggml type id ", type, ", whose block size trit does not know");
  TRIT_CHECK(shape.size() <= kGgufMaxDims, context, " has ", shape.size(), " dimensions, at most ",
             kGgufMaxDims, " are allowed");
  uint64_t n = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    TRIT_CHECK(shape[i] > 0, context, " has dimension ne[", i, "] = ", shape[i], ", must be positive");
    const auto d = uint64_t(shape[i]);
    TRIT_CHECK(n <= uint64_t(std::numeric_limits<int64_t>::max()) / d, context,
               ": element count overflows 64 bits at ne[", i, "] = ", d);
    n *= d;
  }
  const uint64_t row = shape.empty() ? 1 : uint64_t(shape[0]);
  TRIT_CHECK(row % info->block_size == 0, context, " is ", info->name, " with ne[0] = ", row,
             ", not a multiple of its block size ", info->block_size);
  const uint64_t blocks = n / info->block_size;
  TRIT_CHECK(blocks <= std::numeric_limits<uint64_t>::max() / info->bytes_per_block, context,
             ": byte size overflows 64 bits (", blocks, " blocks of ", info->bytes_per_block, " bytes)");
  return blocks * info->bytes_per_block;
}

uint32_t gguf_alignment(const GgufMetadata& metadata, std::string_view context) {
  const GgufValue* v = metadata.find(kGgufAlignmentKey);
  if (v == nullptr) return kGgufDefaultAlignment;
  const uint32_t* a = v->get_if<uint32_t>();
  if (a == nullptr)
    fail(context, ": ", kGgufAlignmentKey, " has type ", gguf_type_name(v->type()), ", must be u32");
  TRIT_CHECK(*a != 0 && (*a & (*a - 1)) == 0, context, ": ", kGgufAlignmentKey, " = ", *a,
             " is not a power of two");
  return *a;
}

const GgufTensorInfo* GgufHeader::find_tensor(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : &tensors[it->second];
}

}  // namespace trit::formats

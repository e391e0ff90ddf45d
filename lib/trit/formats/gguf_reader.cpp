#include "trit/formats/gguf_reader.h"

#include <algorithm>
#include <cstring>

#include "trit/formats/byte_cursor.h"
#include "trit/formats/gguf_types.h"

namespace trit::formats {

namespace {

// Smallest encodings, used to reject counts the file cannot possibly hold before looping.
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;            // key length, type, 1-byte value
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 4 + 8;  // name length, n_dims, type, offset

uint32_t read_version(ByteCursor& in) {
  const uint32_t version = in.read<uint32_t>("version");
  if (version != 0 && (version & 0xffffu) == 0)
    fail(in.source(), ": GGUF version field is ", version, ": the file looks byte-swapped (big-endian)");
  TRIT_CHECK(version != 1, in.source(), ": GGUF version 1 is not supported (only versions 2 and 3)");
  TRIT_CHECK(version == 2 || version == 3, in.source(), ": GGUF version ", version,
             " is not supported (only versions 2 and 3)");
  return version;
}

GgufTensorInfo read_tensor_info(ByteCursor& in, uint64_t i) {
  GgufTensorInfo t;
  t.name = read_gguf_string(in, str_cat("tensor ", i, " name"));
  TRIT_CHECK(!t.name.empty(), in.source(), ": tensor ", i, " has an empty name");
  TRIT_CHECK(t.name.size() <= kGgufMaxNameBytes, in.source(), ": tensor ", i, " name '", t.name.substr(0, 80),
             "...' is ", t.name.size(), " bytes, at most ", kGgufMaxNameBytes, " are allowed");
  const std::string what = str_cat("tensor '", t.name, "'");
  const uint32_t n_dims = in.read<uint32_t>(what + " n_dims");
  TRIT_CHECK(n_dims <= kGgufMaxDims, in.source(), ": ", what, " has ", n_dims, " dimensions, at most ",
             kGgufMaxDims, " are allowed");
  t.shape.resize(n_dims);
  for (uint32_t d = 0; d < n_dims; ++d) t.shape[d] = in.read<int64_t>(what + " shape");
  t.type = in.read<uint32_t>(what + " type");
  t.offset = in.read<uint64_t>(what + " offset");
  t.n_bytes = ggml_tensor_bytes(t.type, t.shape, str_cat(in.source(), ": ", what));
  return t;
}

// Offsets aligned, increasing, non-overlapping, and every blob inside the file.
void check_tensor_layout(const GgufHeader& h, uint64_t file_size, std::string_view source) {
  const GgufTensorInfo* prev = nullptr;
  for (const auto& t : h.tensors) {
    const auto where = [&](const GgufTensorInfo& x) {
      return str_cat("tensor '", x.name, "' data [offset ", x.offset, ", ", x.n_bytes, " bytes]");
    };
    TRIT_CHECK(t.offset % h.alignment == 0, source, ": ", where(t), " is not aligned to ", h.alignment);
    if (prev != nullptr) {
      TRIT_CHECK(t.offset >= prev->offset, source, ": ", where(t), " comes before ", where(*prev),
                 " although it is listed after it; offsets must increase in tensor order");
      TRIT_CHECK(t.offset - prev->offset >= prev->n_bytes, source, ": ", where(t), " overlaps ", where(*prev));
    }
    const uint64_t room = file_size - h.data_offset;  // data_offset <= file_size checked by caller
    if (t.offset > room || t.n_bytes > room - t.offset)
      fail(source, ": ", where(t), " runs past the end of the file (size ", file_size, ", data section at ",
           h.data_offset, ")");
    prev = &t;
  }
}

}  // namespace

GgufHeader parse_gguf(std::span<const std::byte> file, std::string_view source) {
  ByteCursor in(file, source);
  auto magic = in.take(4, "magic");
  if (std::memcmp(magic.data(), kGgufMagic, 4) != 0) fail(source, ": not a GGUF file (magic is not \"GGUF\")");
  GgufHeader h;
  h.version = read_version(in);
  const uint64_t n_tensors = in.read<uint64_t>("tensor count");
  const uint64_t n_kv = in.read<uint64_t>("metadata count");
  // Each entry takes some bytes, so counts the rest of the file cannot hold are corrupt.
  TRIT_CHECK(n_kv <= in.remaining() / kMinKvBytes, source, ": metadata count ", n_kv, " needs at least ",
             kMinKvBytes, " bytes each, but only ", in.remaining(), " bytes follow (file truncated or corrupt)");
  TRIT_CHECK(n_tensors <= in.remaining() / kMinTensorInfoBytes, source, ": tensor count ", n_tensors,
             " needs at least ", kMinTensorInfoBytes, " bytes each, but only ", in.remaining(),
             " bytes follow (file truncated or corrupt)");

  for (uint64_t i = 0; i < n_kv; ++i) {
    std::string key = read_gguf_string(in, str_cat("metadata key ", i));
    const uint64_t type_at = in.position();
    const uint32_t type = in.read<uint32_t>(str_cat("type of metadata key '", key, "'"));
    TRIT_CHECK(type < kGgufTypeCount, source, ": metadata key '", key, "' (offset ", type_at,
               ") has unknown value type ", type);
    GgufValue value = read_gguf_value(in, GgufType(type), key);
    h.metadata.add_unique(std::move(key), std::move(value), source);
  }
  h.alignment = gguf_alignment(h.metadata, source);

  // Capped: a forged count in a large file must not reserve gigabytes before parsing fails.
  h.tensors.reserve(size_t(std::min<uint64_t>(n_tensors, 65536)));
  for (uint64_t i = 0; i < n_tensors; ++i) {
    GgufTensorInfo t = read_tensor_info(in, i);
    TRIT_CHECK(h.index_.emplace(t.name, h.tensors.size()).second, source, ": tensor '", t.name,
               "' appears twice");
    h.tensors.push_back(std::move(t));
  }

  h.data_offset = align_up(in.position(), h.alignment);
  if (!h.tensors.empty()) {
    TRIT_CHECK(h.data_offset <= file.size(), source, ": data section would start at offset ", h.data_offset,
               " (header end ", in.position(), " aligned to ", h.alignment, "), past the end of the file (size ",
               file.size(), ")");
    check_tensor_layout(h, file.size(), source);
  }
  return h;
}

GgufReader::GgufReader(const std::filesystem::path& path)
    : file_(path), header_(parse_gguf(file_.bytes(), path.string())) {}

const GgufTensorInfo& GgufReader::tensor(std::string_view name) const {
  const GgufTensorInfo* t = find_tensor(name);
  if (t == nullptr) fail(path().string(), ": no tensor named '", name, "'");
  return *t;
}

std::span<const std::byte> GgufReader::tensor_data(const GgufTensorInfo& info) const {
  // Offsets were checked against the file size when the header was parsed.
  return file_.bytes().subspan(size_t(header_.data_offset + info.offset), size_t(info.n_bytes));
}

}  // namespace trit::formats

#include "trit/formats/gguf_writer.h"

#include <algorithm>
#include <cstring>

#include "trit/formats/atomic_file.h"

namespace trit::formats {

namespace {

template <typename T>
void append_pod(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out.append(buf, sizeof(T));
}

}  // namespace

void GgufWriter::add_tensor(std::string name, uint32_t type, std::vector<int64_t> shape,
                            std::span<const std::byte> data) {
  const std::string what = str_cat("GGUF writer: tensor '", name, "'");
  TRIT_CHECK(!name.empty(), "GGUF writer: tensor ", infos_.size(), " has an empty name");
  TRIT_CHECK(name.size() <= kGgufMaxNameBytes, what, ": name is ", name.size(), " bytes, llama.cpp allows at most ",
             kGgufMaxNameBytes);
  TRIT_CHECK(std::none_of(infos_.begin(), infos_.end(), [&](const auto& t) { return t.name == name; }), what,
             " was added twice");
  const uint64_t n_bytes = ggml_tensor_bytes(type, shape, what);
  TRIT_CHECK(data.size() == n_bytes, what, ": ", data.size(), " bytes of data given, its type and shape need ",
             n_bytes);
  infos_.push_back(GgufTensorInfo{std::move(name), type, std::move(shape), 0, n_bytes});
  data_.push_back(data);
}

void GgufWriter::add_tensor(std::string name, uint32_t type, std::vector<int64_t> shape,
                            std::vector<std::byte> data) {
  // Moving a vector keeps its heap buffer, so the span stays valid as owned_ grows.
  owned_.push_back(std::move(data));
  try {
    add_tensor(std::move(name), type, std::move(shape), std::span<const std::byte>(owned_.back()));
  } catch (...) {
    owned_.pop_back();
    throw;
  }
}

void GgufWriter::write(const std::filesystem::path& path) const {
  const std::string source = path.string();
  const uint32_t alignment = gguf_alignment(metadata_, source);

  std::string header;
  header.append(kGgufMagic, 4);
  append_pod<uint32_t>(header, kGgufVersion);
  append_pod<uint64_t>(header, infos_.size());
  append_pod<uint64_t>(header, metadata_.size());
  for (const auto& [key, value] : metadata_.entries()) {
    append_gguf_string(header, key);
    append_pod<uint32_t>(header, uint32_t(value.type()));
    append_gguf_value(header, value);
  }
  uint64_t offset = 0;
  for (const auto& t : infos_) {
    append_gguf_string(header, t.name);
    append_pod<uint32_t>(header, uint32_t(t.shape.size()));
    for (int64_t d : t.shape) append_pod<int64_t>(header, d);
    append_pod<uint32_t>(header, t.type);
    append_pod<uint64_t>(header, offset);
    offset = align_up(offset + t.n_bytes, alignment);
  }

  AtomicFileWriter out(path);
  out.write(header);
  if (!infos_.empty()) out.write_zeros(size_t(align_up(out.position(), alignment) - out.position()));
  for (size_t i = 0; i < infos_.size(); ++i) {
    out.write(data_[i]);
    out.write_zeros(size_t(align_up(infos_[i].n_bytes, alignment) - infos_[i].n_bytes));
  }
  out.commit();
}

}  // namespace trit::formats

#include <cstring>
#include <limits>

#include <nlohmann/json.hpp>

#include "trit/core/error.h"
#include "trit/formats/atomic_file.h"
#include "trit/formats/safetensors.h"

namespace trit::formats {

void SafetensorsWriter::add_tensor(std::string name, DType dtype, std::vector<int64_t> shape,
                                   std::span<const std::byte> data) {
  const std::string what = str_cat("safetensors writer: tensor '", name, "'");
  TRIT_CHECK(!name.empty(), "safetensors writer: tensor ", tensors_.size(), " has an empty name");
  TRIT_CHECK(name != "__metadata__", what, ": the name is reserved for metadata");
  for (const auto& t : tensors_) TRIT_CHECK(t.name != name, what, " was added twice");
  const uint64_t elem = dtype_size(dtype);
  (void)safetensors_dtype_name(dtype);  // throws for dtypes the format lacks
  uint64_t numel = 1;
  for (int64_t d : shape) {
    TRIT_CHECK(d >= 0, what, ": dimension ", d, " is negative");
    TRIT_CHECK(d == 0 || numel <= std::numeric_limits<uint64_t>::max() / elem / uint64_t(d), what,
               ": byte size overflows");
    numel *= uint64_t(d);
  }
  TRIT_CHECK(data.size() == numel * elem, what, ": ", data.size(), " bytes of data given, its dtype and shape need ",
             numel * elem);
  const uint64_t begin = tensors_.empty() ? 0 : tensors_.back().end;
  tensors_.push_back(SafetensorsTensor{std::move(name), dtype, std::move(shape), begin, begin + data.size()});
  data_.push_back(data);
}

void SafetensorsWriter::add_tensor(std::string name, DType dtype, std::vector<int64_t> shape,
                                   std::vector<std::byte> data) {
  owned_.push_back(std::move(data));  // moving keeps the heap buffer, so the span stays valid
  try {
    add_tensor(std::move(name), dtype, std::move(shape), std::span<const std::byte>(owned_.back()));
  } catch (...) {
    owned_.pop_back();
    throw;
  }
}

void SafetensorsWriter::write(const std::filesystem::path& path) const {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata_.empty()) header["__metadata__"] = metadata_;
  for (const auto& t : tensors_) {
    header[t.name] = {{"dtype", safetensors_dtype_name(t.dtype)}, {"shape", t.shape},
                      {"data_offsets", {t.begin, t.end}}};
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::exception& e) {
    fail(path.string(), ": cannot write the safetensors header (names and metadata must be UTF-8): ", e.what());
  }
  text.append((8 - text.size() % 8) % 8, ' ');
  uint64_t n = text.size();
  char len[8];
  std::memcpy(len, &n, 8);

  AtomicFileWriter out(path);
  out.write(std::string_view(len, 8));
  out.write(text);
  for (const auto& d : data_) out.write(d);
  out.commit();
}

}  // namespace trit::formats

#include "trit/formats/safetensors.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "trit/core/error.h"

namespace trit::formats {

namespace {

using nlohmann::json;

constexpr int kMaxJsonDepth = 16;  // real headers nest 3 deep; this bounds hostile nesting

struct DtypeName {
  DType dtype;
  std::string_view name;
};
constexpr DtypeName kDtypes[] = {{DType::f32, "F32"}, {DType::f16, "F16"}, {DType::bf16, "BF16"},
                                 {DType::i8, "I8"},   {DType::u8, "U8"},   {DType::f64, "F64"},
                                 {DType::i32, "I32"}};

// The JSON header, parsed with duplicate keys and deep nesting rejected (nlohmann would keep
// the last duplicate silently, and a reader must not pick one of two definitions).
json parse_header_json(std::string_view text, std::string_view source) {
  std::vector<std::set<std::string>> keys_per_object;
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > kMaxJsonDepth) fail(source, ": JSON header nests deeper than ", kMaxJsonDepth, " levels");
    if (event == json::parse_event_t::object_start) keys_per_object.emplace_back();
    if (event == json::parse_event_t::object_end && !keys_per_object.empty()) keys_per_object.pop_back();
    if (event == json::parse_event_t::key && !keys_per_object.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!keys_per_object.back().insert(key).second) fail(source, ": JSON header has the key \"", key, "\" twice");
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), callback);
  } catch (const json::exception& e) {
    fail(source, ": JSON header is not valid JSON: ", e.what());
  }
}

uint64_t json_u64(const json& v, std::string_view what) {
  TRIT_CHECK(v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0), what,
             " must be a non-negative integer, found ", v.dump());
  return v.get<uint64_t>();
}

SafetensorsTensor parse_tensor_entry(const std::string& name, const json& entry, std::string_view source) {
  const std::string what = str_cat(source, ": tensor '", name, "'");
  TRIT_CHECK(entry.is_object(), what, ": entry must be a JSON object, found ", entry.type_name());
  for (const char* field : {"dtype", "shape", "data_offsets"})
    TRIT_CHECK(entry.contains(field), what, ": missing \"", field, "\"");
  SafetensorsTensor t;
  t.name = name;
  const json& dtype = entry["dtype"];
  TRIT_CHECK(dtype.is_string(), what, ": dtype must be a string");
  t.dtype = parse_safetensors_dtype(dtype.get_ref<const std::string&>(), what);

  const json& shape = entry["shape"];
  TRIT_CHECK(shape.is_array(), what, ": shape must be an array");
  uint64_t numel = 1;
  for (const json& d : shape) {
    const uint64_t n = json_u64(d, what + " shape entry");
    TRIT_CHECK(n <= uint64_t(std::numeric_limits<int64_t>::max()), what, ": dimension ", n, " is too large");
    TRIT_CHECK(n == 0 || numel <= std::numeric_limits<uint64_t>::max() / n, what, ": element count overflows");
    numel *= n;
    t.shape.push_back(int64_t(n));
  }
  const json& offsets = entry["data_offsets"];
  TRIT_CHECK(offsets.is_array() && offsets.size() == 2, what, ": data_offsets must be [begin, end]");
  t.begin = json_u64(offsets[0], what + " data_offsets begin");
  t.end = json_u64(offsets[1], what + " data_offsets end");
  TRIT_CHECK(t.begin <= t.end, what, ": data_offsets [", t.begin, ", ", t.end, "] end before they begin");
  const uint64_t elem = dtype_size(t.dtype);
  TRIT_CHECK(numel <= std::numeric_limits<uint64_t>::max() / elem, what, ": byte size overflows");
  TRIT_CHECK(t.end - t.begin == numel * elem, what, ": data_offsets [", t.begin, ", ", t.end, "] hold ",
             t.end - t.begin, " bytes, but ", numel, " ", safetensors_dtype_name(t.dtype), " elements need ",
             numel * elem);
  return t;
}

// The tensors sorted by offset must cover [0, data_size) exactly.
void check_coverage(const std::vector<SafetensorsTensor>& sorted, uint64_t data_size, std::string_view source) {
  uint64_t expected = 0;
  const SafetensorsTensor* prev = nullptr;
  for (const auto& t : sorted) {
    const auto where = [](const SafetensorsTensor& x) {
      return str_cat("tensor '", x.name, "' data_offsets [", x.begin, ", ", x.end, "]");
    };
    if (t.begin < expected) fail(source, ": ", where(t), " overlaps ", where(*prev));
    if (t.begin > expected) fail(source, ": ", where(t), " leaves a gap: expected it to begin at ", expected);
    if (t.end > data_size)
      fail(source, ": ", where(t), " runs past the end of the data section (", data_size, " bytes)");
    expected = t.end;
    prev = &t;
  }
  TRIT_CHECK(expected == data_size, source, ": the data section has ", data_size, " bytes but the tensors cover ",
             expected, " (trailing bytes belong to no tensor)");
}

}  // namespace

std::string_view safetensors_dtype_name(DType dtype) {
  for (const auto& d : kDtypes)
    if (d.dtype == dtype) return d.name;
  fail("safetensors: trit dtype ", dtype_name(dtype), " has no safetensors name");
}

DType parse_safetensors_dtype(std::string_view name, std::string_view context) {
  for (const auto& d : kDtypes)
    if (d.name == name) return d.dtype;
  std::string known;
  for (const auto& d : kDtypes) known += str_cat(known.empty() ? "" : ", ", d.name);
  fail(context, ": dtype \"", name, "\" is not supported (supported: ", known, ")");
}

const SafetensorsTensor* SafetensorsHeader::find_tensor(std::string_view name) const {
  auto it = std::find_if(tensors.begin(), tensors.end(), [&](const auto& t) { return t.name == name; });
  return it == tensors.end() ? nullptr : &*it;
}

SafetensorsHeader parse_safetensors(std::span<const std::byte> file, std::string_view source) {
  TRIT_CHECK(file.size() >= 8, source, ": truncated: ", file.size(), " bytes, a safetensors file needs at least 8");
  uint64_t n = 0;
  std::memcpy(&n, file.data(), 8);
  TRIT_CHECK(n <= kSafetensorsMaxHeaderBytes, source, ": header length ", n, " exceeds the limit of ",
             kSafetensorsMaxHeaderBytes, " bytes");
  TRIT_CHECK(n <= file.size() - 8, source, ": truncated: header length ", n, " runs past the end of the file (size ",
             file.size(), ")");
  const std::string_view text(reinterpret_cast<const char*>(file.data()) + 8, size_t(n));
  TRIT_CHECK(!text.empty() && text.front() == '{', source, ": not a safetensors file (header does not start with '{')");
  const json header = parse_header_json(text, source);
  TRIT_CHECK(header.is_object(), source, ": JSON header must be an object");

  SafetensorsHeader h;
  h.data_offset = 8 + n;
  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      TRIT_CHECK(value.is_object(), source, ": __metadata__ must be an object of strings");
      for (const auto& [mk, mv] : value.items()) {
        TRIT_CHECK(mv.is_string(), source, ": __metadata__ value of \"", mk, "\" must be a string, found ",
                   mv.type_name());
        h.metadata.emplace(mk, mv.get<std::string>());
      }
      continue;
    }
    h.tensors.push_back(parse_tensor_entry(key, value, source));
  }
  std::sort(h.tensors.begin(), h.tensors.end(), [](const auto& a, const auto& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  check_coverage(h.tensors, file.size() - h.data_offset, source);
  return h;
}

SafetensorsReader::SafetensorsReader(const std::filesystem::path& path)
    : file_(path), header_(parse_safetensors(file_.bytes(), path.string())) {}

const SafetensorsTensor& SafetensorsReader::tensor(std::string_view name) const {
  const SafetensorsTensor* t = header_.find_tensor(name);
  if (t == nullptr) fail(path().string(), ": no tensor named '", name, "'");
  return *t;
}

std::span<const std::byte> SafetensorsReader::tensor_data(const SafetensorsTensor& t) const {
  // Offsets were checked against the data section when the header was parsed.
  return file_.bytes().subspan(size_t(header_.data_offset + t.begin), size_t(t.n_bytes()));
}

}  // namespace trit::formats

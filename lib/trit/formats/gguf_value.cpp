#include "trit/formats/gguf_value.h"

#include <algorithm>
#include <cstring>

#include "trit/formats/byte_cursor.h"

namespace trit::formats {

namespace {

template <typename T>
void append_pod(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out.append(buf, sizeof(T));
}

// Smallest encoded size of one element of `type`: bounds array lengths before allocating.
uint64_t min_encoded_size(GgufType type) {
  switch (type) {
    case GgufType::u8: case GgufType::i8: case GgufType::boolean: return 1;
    case GgufType::u16: case GgufType::i16: return 2;
    case GgufType::u32: case GgufType::i32: case GgufType::f32: return 4;
    case GgufType::u64: case GgufType::i64: case GgufType::f64: case GgufType::string: return 8;
    case GgufType::array: return 12;
  }
  return 1;
}

template <typename T>
std::vector<T> read_pod_array(ByteCursor& in, uint64_t n, std::string_view key) {
  auto bytes = in.take(n * sizeof(T), str_cat("array '", key, "' data"));
  std::vector<T> out(static_cast<size_t>(n));
  if (n > 0) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

GgufArray read_array(ByteCursor& in, std::string_view key) {
  const uint64_t type_at = in.position();
  const uint32_t elem = in.read<uint32_t>(str_cat("array '", key, "' element type"));
  if (elem >= kGgufTypeCount)
    fail(in.source(), ": metadata key '", key, "' (offset ", type_at, "): unknown array element type ", elem);
  if (GgufType(elem) == GgufType::array)
    fail(in.source(), ": metadata key '", key, "': nested arrays (array of arrays) are not supported");
  const uint64_t n = in.read<uint64_t>(str_cat("array '", key, "' length"));
  const GgufType type = GgufType(elem);
  if (n > in.remaining() / min_encoded_size(type))
    fail(in.source(), ": metadata key '", key, "': array of ", n, " ", gguf_type_name(type),
         " elements cannot fit in the ", in.remaining(), " bytes left in the file");
  GgufArray a;
  switch (type) {
    case GgufType::u8: a.data = read_pod_array<uint8_t>(in, n, key); break;
    case GgufType::i8: a.data = read_pod_array<int8_t>(in, n, key); break;
    case GgufType::u16: a.data = read_pod_array<uint16_t>(in, n, key); break;
    case GgufType::i16: a.data = read_pod_array<int16_t>(in, n, key); break;
    case GgufType::u32: a.data = read_pod_array<uint32_t>(in, n, key); break;
    case GgufType::i32: a.data = read_pod_array<int32_t>(in, n, key); break;
    case GgufType::f32: a.data = read_pod_array<float>(in, n, key); break;
    case GgufType::u64: a.data = read_pod_array<uint64_t>(in, n, key); break;
    case GgufType::i64: a.data = read_pod_array<int64_t>(in, n, key); break;
    case GgufType::f64: a.data = read_pod_array<double>(in, n, key); break;
    case GgufType::boolean: {
      auto bytes = read_pod_array<uint8_t>(in, n, key);
      a.data = std::vector<bool>(bytes.begin(), bytes.end());
      break;
    }
    case GgufType::string: {
      std::vector<std::string> items;
      items.reserve(size_t(std::min<uint64_t>(n, 1 << 20)));  // capped against forged counts
      const std::string prefix = str_cat("array '", key, "' string ");
      for (uint64_t i = 0; i < n; ++i) items.push_back(read_gguf_string(in, prefix + std::to_string(i)));
      a.data = std::move(items);
      break;
    }
    case GgufType::array: break;  // rejected above
  }
  return a;
}

}  // namespace

std::string gguf_type_name(GgufType type) {
  static constexpr const char* names[kGgufTypeCount] = {"u8", "i8", "u16", "i16", "u32", "i32", "f32",
                                                        "bool", "string", "array", "u64", "i64", "f64"};
  const auto id = uint32_t(type);
  return id < kGgufTypeCount ? names[id] : str_cat("type ", id);
}

size_t GgufArray::size() const {
  return std::visit(
      [](const auto& v) -> size_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) return 0;
        else return v.size();
      },
      data);
}

void GgufMetadata::set(std::string key, GgufValue value) {
  if (auto it = index_.find(key); it != index_.end()) {
    entries_[it->second].second = std::move(value);
    return;
  }
  add_unique(std::move(key), std::move(value), "metadata");
}

void GgufMetadata::add_unique(std::string key, GgufValue value, std::string_view source) {
  TRIT_CHECK(!key.empty(), source, ": metadata key ", entries_.size(), " is empty");
  TRIT_CHECK(!index_.contains(key), source, ": metadata key '", key, "' appears twice");
  TRIT_CHECK(value.type() != GgufType::array || value.get_if<GgufArray>()->elem_type() != GgufType::array,
             source, ": metadata key '", key, "': nested arrays are not supported");
  index_.emplace(key, entries_.size());
  entries_.emplace_back(std::move(key), std::move(value));
}

bool GgufMetadata::erase(std::string_view key) {
  auto it = index_.find(std::string(key));
  if (it == index_.end()) return false;
  entries_.erase(entries_.begin() + std::ptrdiff_t(it->second));
  index_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
  return true;
}

const GgufValue* GgufMetadata::find(std::string_view key) const {
  auto it = index_.find(std::string(key));
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

void append_gguf_string(std::string& out, std::string_view s) {
  append_pod<uint64_t>(out, s.size());
  out.append(s);
}

void append_gguf_value(std::string& out, const GgufValue& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          append_gguf_string(out, v);
        } else if constexpr (std::is_same_v<T, bool>) {
          append_pod<uint8_t>(out, v ? 1 : 0);
        } else if constexpr (std::is_same_v<T, GgufArray>) {
          TRIT_CHECK(v.elem_type() != GgufType::array, "GGUF: nested arrays cannot be written");
          append_pod<uint32_t>(out, uint32_t(v.elem_type()));
          append_pod<uint64_t>(out, v.size());
          std::visit(
              [&](const auto& items) {
                using V = std::decay_t<decltype(items)>;
                if constexpr (std::is_same_v<V, std::monostate>) {
                } else if constexpr (std::is_same_v<V, std::vector<std::string>>) {
                  for (const auto& s : items) append_gguf_string(out, s);
                } else if constexpr (std::is_same_v<V, std::vector<bool>>) {
                  for (bool b : items) append_pod<uint8_t>(out, b ? 1 : 0);
                } else {
                  out.append(reinterpret_cast<const char*>(items.data()), items.size() * sizeof(items[0]));
                }
              },
              v.data);
        } else {
          append_pod<T>(out, v);
        }
      },
      value.data());
}

std::string read_gguf_string(ByteCursor& in, std::string_view what) {
  const uint64_t at = in.position();
  const uint64_t n = in.read<uint64_t>(str_cat(what, " length"));
  if (n > in.remaining())
    fail(in.source(), ": ", what, " (offset ", at, ") claims ", n, " bytes but only ", in.remaining(),
         " are left in the file");
  return std::string(in.take_chars(n, what));
}

GgufValue read_gguf_value(ByteCursor& in, GgufType type, std::string_view key) {
  const std::string what = str_cat("value of metadata key '", key, "'");
  switch (type) {
    case GgufType::u8: return in.read<uint8_t>(what);
    case GgufType::i8: return in.read<int8_t>(what);
    case GgufType::u16: return in.read<uint16_t>(what);
    case GgufType::i16: return in.read<int16_t>(what);
    case GgufType::u32: return in.read<uint32_t>(what);
    case GgufType::i32: return in.read<int32_t>(what);
    case GgufType::f32: return in.read<float>(what);
    case GgufType::boolean: return in.read<uint8_t>(what) != 0;
    case GgufType::string: return read_gguf_string(in, what);
    case GgufType::array: return read_array(in, key);
    case GgufType::u64: return in.read<uint64_t>(what);
    case GgufType::i64: return in.read<int64_t>(what);
    case GgufType::f64: return in.read<double>(what);
  }
  fail(in.source(), ": metadata key '", key, "' has unknown value type ", uint32_t(type));
}

}  // namespace trit::formats

#pragma once
// GGUF metadata: typed values (the 13 gguf_type kinds), arrays of one scalar kind, and the
// ordered key -> value list of a file. The variant index of GgufValue::Data and of
// GgufArray::Data equals the gguf_type id, so a value's type is its index.
// Encoding (little-endian): see gguf.h.
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "trit/core/error.h"

namespace trit::formats {

class ByteCursor;

enum class GgufType : uint32_t {
  u8 = 0, i8 = 1, u16 = 2, i16 = 3, u32 = 4, i32 = 5, f32 = 6, boolean = 7, string = 8,
  array = 9, u64 = 10, i64 = 11, f64 = 12,
};
constexpr uint32_t kGgufTypeCount = 13;

// "u8" ... "f64", "bool", "string", "array"; "type N" for ids outside the enum.
std::string gguf_type_name(GgufType type);

struct GgufArray {
  // Index 9 (array of arrays) is not allowed: nested arrays are rejected on read and write.
  using Data = std::variant<std::vector<uint8_t>, std::vector<int8_t>, std::vector<uint16_t>,
                            std::vector<int16_t>, std::vector<uint32_t>, std::vector<int32_t>,
                            std::vector<float>, std::vector<bool>, std::vector<std::string>,
                            std::monostate, std::vector<uint64_t>, std::vector<int64_t>,
                            std::vector<double>>;
  Data data;

  GgufType elem_type() const { return GgufType(data.index()); }
  size_t size() const;
  bool operator==(const GgufArray&) const = default;
};

class GgufValue {
 public:
  using Data = std::variant<uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, float, bool,
                            std::string, GgufArray, uint64_t, int64_t, double>;

  GgufValue() = default;
  template <typename T>
    requires std::is_constructible_v<Data, T> && (!std::is_same_v<std::decay_t<T>, const char*>)
  GgufValue(T value) : data_(std::move(value)) {}
  GgufValue(const char* text) : data_(std::string(text)) {}
  template <typename T>
    requires std::is_constructible_v<GgufArray::Data, std::vector<T>>
  GgufValue(std::vector<T> items) : data_(GgufArray{std::move(items)}) {}

  GgufType type() const { return GgufType(data_.index()); }
  const Data& data() const { return data_; }
  template <typename T> const T* get_if() const { return std::get_if<T>(&data_); }
  bool operator==(const GgufValue&) const = default;

 private:
  Data data_;
};

template <typename T> constexpr GgufType gguf_type_of() { return GgufValue(T{}).type(); }

// Ordered key -> value list; keys are unique (set() replaces an existing key in place).
class GgufMetadata {
 public:
  void set(std::string key, GgufValue value);
  // Appends; throws naming `source` if the key already exists (a reader's duplicate check).
  void add_unique(std::string key, GgufValue value, std::string_view source);
  bool erase(std::string_view key);
  const GgufValue* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  size_t size() const { return entries_.size(); }
  const std::vector<std::pair<std::string, GgufValue>>& entries() const { return entries_; }

  // The value of `key` as T; throws if missing or of another type.
  template <typename T>
  const T& get(std::string_view key) const {
    const GgufValue* v = find(key);
    if (v == nullptr) fail("metadata key '", key, "' is missing");
    const T* p = v->get_if<T>();
    if (p == nullptr)
      fail("metadata key '", key, "' has type ", gguf_type_name(v->type()), ", expected ",
           gguf_type_name(gguf_type_of<T>()));
    return *p;
  }

 private:
  std::vector<std::pair<std::string, GgufValue>> entries_;
  std::unordered_map<std::string, size_t> index_;
};

// Wire encoding of one value (without the type tag). Used by the GGUF reader and writer.
void append_gguf_string(std::string& out, std::string_view s);
void append_gguf_value(std::string& out, const GgufValue& value);
std::string read_gguf_string(ByteCursor& in, std::string_view what);
GgufValue read_gguf_value(ByteCursor& in, GgufType type, std::string_view key);

}  // namespace trit::formats

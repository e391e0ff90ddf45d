#pragma once
// Helpers shared by the tests of lib/trit/formats: a temporary folder per test, whole-file
// reads and writes, and a byte builder for hand-made (often hostile) files.
// GCC 12 reports false -Wstringop-overflow on small std::vector<std::byte> inserts inlined
// into these tests (GCC bug 106199 family); the code is correct and ASan-checked.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <unistd.h>
#include <string>
#include <string_view>
#include <vector>

#include "support/temp_dir.h"
#include "trit/core/error.h"

namespace trit::test {

inline std::vector<std::byte> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> c((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(c.size());
  if (!c.empty()) std::memcpy(out.data(), c.data(), c.size());
  return out;
}

inline void write_bytes(const std::filesystem::path& p, std::span<const std::byte> bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// Little-endian byte builder.
class Bytes {
 public:
  template <typename T>
  Bytes& pod(T v) {
    std::byte tmp[sizeof(T)];
    std::memcpy(tmp, &v, sizeof(T));
    data_.insert(data_.end(), tmp, tmp + sizeof(T));
    return *this;
  }
  Bytes& u8(uint8_t v) { return pod(v); }
  Bytes& u32(uint32_t v) { return pod(v); }
  Bytes& u64(uint64_t v) { return pod(v); }
  Bytes& i64(int64_t v) { return pod(v); }
  Bytes& raw(std::string_view s) {
    for (char c : s) data_.push_back(std::byte(c));
    return *this;
  }
  Bytes& gguf_string(std::string_view s) { return u64(s.size()).raw(s); }
  Bytes& zeros(size_t n) {
    for (size_t i = 0; i < n; ++i) data_.push_back(std::byte{0});
    return *this;
  }
  Bytes& pad_to(size_t alignment) { return zeros((alignment - data_.size() % alignment) % alignment); }
  size_t size() const { return data_.size(); }
  const std::vector<std::byte>& data() const { return data_; }

 private:
  std::vector<std::byte> data_;
};

template <typename T>
std::vector<std::byte> as_bytes_vec(const std::vector<T>& v) {
  std::vector<std::byte> out(v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

}  // namespace trit::test

// Requires the expression to throw trit::Error whose message contains every given part.
#define REQUIRE_TRIT_ERROR(expr, ...)                                                       \
  do {                                                                                      \
    bool thrown_ = false;                                                                   \
    try {                                                                                   \
      (void)(expr);                                                                         \
    } catch (const ::trit::Error& e_) {                                                     \
      thrown_ = true;                                                                       \
      const std::string msg_ = e_.what();                                                   \
      INFO("error message: " << msg_);                                                      \
      for (std::string_view part_ : {__VA_ARGS__}) CHECK(msg_.find(part_) != std::string::npos); \
    }                                                                                       \
    INFO("expected a trit::Error from " #expr);                                             \
    REQUIRE(thrown_);                                                                       \
  } while (0)

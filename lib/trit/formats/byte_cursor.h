#pragma once
// Bounds-checked little-endian reads from an in-memory file image. Every read checks the
// remaining length first, so a truncated or hostile file gives an Error that names the file,
// the field being read and the offset, never an out-of-range access.
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "trit/core/error.h"

namespace trit::formats {

static_assert(std::endian::native == std::endian::little, "trit's file readers assume a little-endian host");

class ByteCursor {
 public:
  ByteCursor(std::span<const std::byte> bytes, std::string_view source) : bytes_(bytes), source_(source) {}

  uint64_t position() const { return pos_; }
  uint64_t size() const { return bytes_.size(); }
  uint64_t remaining() const { return bytes_.size() - pos_; }
  const std::string& source() const { return source_; }

  // Throws unless n more bytes are available; `what` names the field for the message.
  void require(uint64_t n, std::string_view what) const {
    if (n > remaining())
      fail(source_, ": truncated: ", what, " needs ", n, " bytes at offset ", pos_, " but the file has only ",
           remaining(), " left (size ", bytes_.size(), ")");
  }

  template <typename T>
  T read(std::string_view what) {
    static_assert(std::is_trivially_copyable_v<T>);
    require(sizeof(T), what);
    T value;
    std::memcpy(&value, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return value;
  }

  std::span<const std::byte> take(uint64_t n, std::string_view what) {
    require(n, what);
    auto out = bytes_.subspan(size_t(pos_), size_t(n));
    pos_ += n;
    return out;
  }

  std::string_view take_chars(uint64_t n, std::string_view what) {
    auto b = take(n, what);
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }

 private:
  std::span<const std::byte> bytes_;
  std::string source_;
  uint64_t pos_ = 0;
};

}  // namespace trit::formats

#pragma once
// Streaming UTF-8 validation (RFC 3629): rejects overlong forms, surrogates (U+D800-DFFF),
// code points above U+10FFFF, stray continuation bytes and truncated sequences.
#include <cstdint>
#include <string_view>

namespace trit::data {

class Utf8Checker {
 public:
  // Feeds the next bytes; false at the first invalid byte (see error_offset()). Once false,
  // stays false.
  bool feed(std::string_view bytes);
  // Call at the end of the stream: false if it ends inside a sequence.
  bool finish();
  // Offset from the start of the stream of the first byte of the invalid sequence.
  uint64_t error_offset() const { return error_offset_; }
  bool ok() const { return ok_; }

 private:
  bool ok_ = true;
  int pending_ = 0;        // continuation bytes still expected
  uint32_t lo_ = 0x80, hi_ = 0xBF;  // allowed range of the next continuation byte
  uint64_t offset_ = 0;    // bytes fed so far
  uint64_t seq_start_ = 0; // offset of the current sequence's first byte
  uint64_t error_offset_ = 0;
};

}  // namespace trit::data

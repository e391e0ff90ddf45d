#include "trit/data/utf8.h"

namespace trit::data {

bool Utf8Checker::feed(std::string_view bytes) {
  if (!ok_) return false;
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<uint8_t>(bytes[i]);
    const uint64_t at = offset_ + i;
    if (pending_ > 0) {
      if (b < lo_ || b > hi_) {
        ok_ = false;
        error_offset_ = seq_start_;
        break;
      }
      lo_ = 0x80, hi_ = 0xBF;
      --pending_;
      continue;
    }
    if (b < 0x80) continue;
    seq_start_ = at;
    // Lead bytes and the range of the byte after them (Table 3-7 of the Unicode standard).
    if (b >= 0xC2 && b <= 0xDF) pending_ = 1;
    else if (b == 0xE0) pending_ = 2, lo_ = 0xA0;
    else if (b == 0xED) pending_ = 2, hi_ = 0x9F;
    else if (b >= 0xE1 && b <= 0xEF) pending_ = 2;
    else if (b == 0xF0) pending_ = 3, lo_ = 0x90;
    else if (b == 0xF4) pending_ = 3, hi_ = 0x8F;
    else if (b >= 0xF1 && b <= 0xF3) pending_ = 3;
    else {
      ok_ = false;
      error_offset_ = at;
      break;
    }
  }
  offset_ += bytes.size();
  return ok_;
}

bool Utf8Checker::finish() {
  if (ok_ && pending_ > 0) {
    ok_ = false;
    error_offset_ = seq_start_;
  }
  return ok_;
}

}  // namespace trit::data

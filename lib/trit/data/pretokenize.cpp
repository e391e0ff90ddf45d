#include "trit/data/pretokenize.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace trit::data {
namespace {

enum Class : uint8_t { kLetter, kDigit, kSpace, kOther };

constexpr std::array<Class, 256> make_classes() {
  std::array<Class, 256> c{};
  for (int b = 0; b < 256; ++b) {
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b >= 0x80) c[b] = kLetter;
    else if (b >= '0' && b <= '9') c[b] = kDigit;
    else if (b == ' ' || (b >= '\t' && b <= '\r')) c[b] = kSpace;
    else c[b] = kOther;
  }
  return c;
}
constexpr std::array<Class, 256> kClass = make_classes();

Class class_at(std::string_view t, size_t i) { return kClass[static_cast<uint8_t>(t[i])]; }

// Length of a contraction ('s 't 're 've 'm 'll 'd) at pos, or 0.
size_t contraction(std::string_view t, size_t pos) {
  if (t[pos] != '\'' || pos + 1 >= t.size()) return 0;
  char a = t[pos + 1];
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (pos + 2 >= t.size()) return 0;
  char b = t[pos + 2];
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  return 0;
}

size_t run_end(std::string_view t, size_t i, Class c) {
  while (i < t.size() && class_at(t, i) == c) ++i;
  return i;
}

size_t raw_chunk_end(std::string_view t, size_t pos) {
  if (size_t n = contraction(t, pos)) return pos + n;
  size_t start = pos;
  // " ?X+" : a single leading space joins the run that follows it.
  if (t[pos] == ' ' && pos + 1 < t.size() && class_at(t, pos + 1) != kSpace) ++start;
  Class c = class_at(t, start);
  if (c != kSpace) return run_end(t, start, c);
  // Whitespace: "\s+(?!\S)" leaves the last space before a non-space to the next chunk.
  size_t end = run_end(t, pos, kSpace);
  if (end < t.size() && end - pos > 1) return end - 1;
  return end;
}

}  // namespace

size_t chunk_end(std::string_view text, size_t pos) {
  return std::min(raw_chunk_end(text, pos), pos + kMaxChunkBytes);
}

}  // namespace trit::data

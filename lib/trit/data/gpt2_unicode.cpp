#include "trit/data/gpt2_unicode.h"

#include <array>

#include "trit/core/error.h"

namespace trit::data {
namespace {

constexpr bool printable_as_is(int b) {
  return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

constexpr std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> t{};
  uint32_t next = 256;
  for (int b = 0; b < 256; ++b) t[b] = printable_as_is(b) ? static_cast<uint32_t>(b) : next++;
  return t;
}
constexpr std::array<uint32_t, 256> kTable = make_table();

void append_utf8(std::string& out, uint32_t cp) {
  // All code points here are below U+0800: one or two bytes.
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

uint32_t gpt2_code_point(uint8_t b) { return kTable[b]; }

std::string gpt2_render_bytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) append_utf8(out, kTable[static_cast<uint8_t>(c)]);
  return out;
}

std::string gpt2_parse_text(std::string_view text) {
  std::array<int, 0x144> inverse;
  inverse.fill(-1);
  for (int b = 0; b < 256; ++b) inverse[kTable[b]] = b;
  std::string out;
  for (size_t i = 0; i < text.size();) {
    auto c0 = static_cast<uint8_t>(text[i]);
    uint32_t cp = c0;
    size_t len = 1;
    if (c0 >= 0xC0 && c0 < 0xE0 && i + 1 < text.size()) {
      cp = ((c0 & 0x1Fu) << 6) | (static_cast<uint8_t>(text[i + 1]) & 0x3Fu);
      len = 2;
    }
    bool well_formed = len == 1 ? c0 < 0x80
                                : cp >= 0x80 && (static_cast<uint8_t>(text[i + 1]) & 0xC0) == 0x80;
    TRIT_CHECK(well_formed && cp < inverse.size() && inverse[cp] >= 0,
               "text \"", text, "\" is not in GPT-2's byte alphabet (at byte ", i, ")");
    out += static_cast<char>(inverse[cp]);
    i += len;
  }
  return out;
}

std::vector<std::string> gpt2_token_texts(const Tokenizer& tokenizer) {
  std::vector<std::string> texts;
  texts.reserve(static_cast<size_t>(tokenizer.n_vocab()));
  for (int32_t id = 0; id < tokenizer.n_vocab(); ++id) {
    const std::string& bytes = tokenizer.token_bytes(id);
    texts.push_back(tokenizer.is_special(id) ? bytes : gpt2_render_bytes(bytes));
  }
  return texts;
}

std::vector<std::string> gpt2_merge_texts(const Tokenizer& tokenizer) {
  std::vector<std::string> texts;
  texts.reserve(tokenizer.spec().merges.size());
  for (auto [left, right] : tokenizer.spec().merges)
    texts.push_back(gpt2_render_bytes(tokenizer.token_bytes(left)) + " " +
                    gpt2_render_bytes(tokenizer.token_bytes(right)));
  return texts;
}

}  // namespace trit::data

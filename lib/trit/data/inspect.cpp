#include "trit/data/inspect.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "trit/data/utf8.h"

namespace trit::data {

std::string with_commas(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string escape_bytes(std::string_view bytes, bool keep_utf8) {
  Utf8Checker check;
  keep_utf8 = keep_utf8 && check.feed(bytes) && check.finish();
  std::string out;
  for (char c : bytes) {
    auto b = static_cast<uint8_t>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if ((b >= 0x20 && b < 0x7F) || (b >= 0x80 && keep_utf8)) out += c;
    else {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[b >> 4];
      out += hex[b & 15];
    }
  }
  return out;
}

std::string describe_dataset(const DatasetFile& file, int64_t sample_tokens) {
  std::ostringstream o;
  const auto& spec = file.tokenizer_spec();
  auto tok = file.make_tokenizer();
  o << "file        " << file.path().string() << "\n";
  o << "format      " << file.attribute("format") << " v1, " << file.attribute("created_by") << "\n";
  o << "tokenizer   " << tok->name() << " (" << spec.merges.size() << " merges";
  for (int32_t id = static_cast<int32_t>(tok->n_vocab()) - spec.n_special; id < tok->n_vocab(); ++id)
    o << ", special " << tok->token_bytes(id) << " = " << id;
  o << ")\n";
  o << "encoding    " << file.attribute("encoding") << "\n";
  o << "split       val_fraction " << file.val_fraction() << ": " << file.attribute("split_rule")
    << "\n";
  for (Split s : {Split::train, Split::val}) {
    const SplitInfo& info = file.split(s);
    o << std::left << std::setw(12) << split_name(s) << with_commas(info.n_tokens) << " tokens, "
      << with_commas(info.n_bytes) << " bytes";
    if (info.n_tokens > 0)
      o << " (" << std::fixed << std::setprecision(3)
        << static_cast<double>(info.n_bytes) / static_cast<double>(info.n_tokens)
        << " bytes/token)";
    o << "\n";
  }
  int64_t total = 0;
  for (const auto& src : file.sources()) total += src.n_bytes;
  o << "sources     " << file.sources().size() << " file(s), " << with_commas(total) << " bytes\n";
  for (const auto& src : file.sources())
    o << "  " << src.path << "  " << with_commas(src.n_bytes) << " bytes  sha256 " << src.sha256
      << "\n";
  const int64_t n = std::min(sample_tokens, file.split(Split::train).n_tokens);
  if (n > 0) {
    std::vector<int32_t> ids(static_cast<size_t>(n));
    file.read(Split::train, 0, n, ids.data());
    o << "sample      first " << n << " train tokens, decoded:\n  \""
      << escape_bytes(tok->decode(ids)) << "\"\n";
    o << "  tokens:";
    for (int64_t i = 0; i < std::min<int64_t>(n, 24); ++i)
      o << " " << ids[i] << ":\"" << escape_bytes(tok->token_bytes(ids[i]), false) << "\"";
    o << "\n";
  }
  return o.str();
}

}  // namespace trit::data

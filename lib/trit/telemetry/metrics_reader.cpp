#include "trit/telemetry/metrics_reader.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "trit/core/error.h"

namespace trit::telemetry {
namespace {

// A cursor over one line; every error names the source and the column.
class LineParser {
 public:
  LineParser(std::string_view line, std::string_view source) : s_(line), source_(source) {}

  [[noreturn]] void error(std::string_view what) const {
    fail(source_, ": column ", at_ + 1, ": ", what);
  }
  void skip_space() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\r')) ++at_;
  }
  bool eat(char c) {
    skip_space();
    if (at_ < s_.size() && s_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) error(str_cat("expected '", c, "'"));
  }
  bool at_end() {
    skip_space();
    return at_ == s_.size();
  }
  char peek() {
    skip_space();
    return at_ < s_.size() ? s_[at_] : '\0';
  }

  std::string string() {
    expect('"');
    std::string out;
    while (at_ < s_.size() && s_[at_] != '"') {
      char c = s_[at_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= s_.size()) break;
      char e = s_[at_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': out += unicode_escape(); break;
        default: out += e;  // \" \\ \/
      }
    }
    if (at_ >= s_.size()) error("unterminated string");
    ++at_;
    return out;
  }

  // A number or NaN/Infinity token; integers (no '.', no exponent) are kept exact.
  MetricsRecord::Number number() {
    skip_space();
    for (auto [token, value] : {std::pair<std::string_view, double>{"NaN", std::nan("")},
                                {"Infinity", std::numeric_limits<double>::infinity()},
                                {"-Infinity", -std::numeric_limits<double>::infinity()}}) {
      if (s_.substr(at_, token.size()) == token) {
        at_ += token.size();
        return value;
      }
    }
    size_t end = at_;
    while (end < s_.size() && std::string_view("+-0123456789.eE").find(s_[end]) != std::string_view::npos) ++end;
    std::string_view text = s_.substr(at_, end - at_);
    if (text.empty()) error("expected a number");
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (text.find_first_of(".eE") == std::string_view::npos) {
      int64_t i = 0;
      auto [p, ec] = std::from_chars(first, last, i);
      if (ec == std::errc() && p == last) {
        at_ = end;
        return i;
      }
    }
    double d = 0;
    auto [p, ec] = std::from_chars(first, last, d);
    if (ec != std::errc() || p != last) error(str_cat("bad number '", text, "'"));
    at_ = end;
    return d;
  }

  // true, false, null: accepted and ignored.
  void literal() {
    skip_space();
    for (std::string_view word : {"true", "false", "null"}) {
      if (s_.substr(at_, word.size()) == word) {
        at_ += word.size();
        return;
      }
    }
    error("expected a value");
  }

 private:
  std::string unicode_escape() {
    if (s_.size() - at_ < 4) error("short \\u escape");
    unsigned code = 0;
    auto [p, ec] = std::from_chars(s_.data() + at_, s_.data() + at_ + 4, code, 16);
    if (ec != std::errc() || p != s_.data() + at_ + 4) error("bad \\u escape");
    at_ += 4;
    std::string out;  // UTF-8 of a BMP code point (surrogate pairs are not written by us)
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xc0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3f));
    } else {
      out += static_cast<char>(0xe0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (code & 0x3f));
    }
    return out;
  }

  std::string_view s_;
  std::string_view source_;
  size_t at_ = 0;
};

}  // namespace

MetricsRecord parse_metrics_line(std::string_view line, std::string_view source) {
  LineParser p(line, source);
  p.expect('{');
  std::optional<int64_t> step;
  std::optional<std::string> split;
  double time = 0;
  std::vector<std::pair<std::string, MetricsRecord::Number>> fields;
  if (!p.eat('}')) {
    do {
      std::string key = p.string();
      p.expect(':');
      char c = p.peek();
      if (c == '"') {
        std::string value = p.string();
        if (key == "split") split = value;
      } else if (c == 't' || c == 'f' || c == 'n') {
        p.literal();
      } else {
        MetricsRecord::Number value = p.number();
        if (key == "step") {
          if (!std::holds_alternative<int64_t>(value)) p.error("\"step\" is not an integer");
          step = std::get<int64_t>(value);
        } else if (key == "time") {
          time = std::visit([](auto v) { return static_cast<double>(v); }, value);
        } else {
          fields.emplace_back(std::move(key), value);
        }
      }
    } while (p.eat(','));
    p.expect('}');
  }
  if (!p.at_end()) p.error("text after the closing '}'");
  TRIT_CHECK(step, source, ": no \"step\"");
  TRIT_CHECK(split && !split->empty(), source, ": no \"split\"");
  try {
    MetricsRecord record(*step, time, *split);
    for (auto& [key, value] : fields) {
      if (const auto* i = std::get_if<int64_t>(&value))
        record.add_int(key, *i);
      else
        record.add(key, std::get<double>(value));
    }
    return record;
  } catch (const Error& e) {
    fail(source, ": ", e.what());
  }
}

MetricsLog parse_metrics_log(std::string_view text, std::string_view source) {
  MetricsLog log;
  std::map<std::string, int64_t> last_step;  // per split
  size_t line_no = 0;
  size_t at = 0;
  while (at < text.size()) {
    ++line_no;
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) {
      log.torn_last_line = true;  // a crash cut it; whatever it holds is not trusted
      break;
    }
    std::string_view line = text.substr(at, nl - at);
    at = nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    MetricsRecord r = parse_metrics_line(line, str_cat(source, ":", line_no));
    auto it = last_step.find(r.split());
    if (it != last_step.end() && r.step() <= it->second) {
      // A resumed run restarted at r.step(): drop what the earlier run logged from there on.
      size_t before = log.records.size();
      std::erase_if(log.records, [&](const MetricsRecord& old) { return old.step() >= r.step(); });
      log.n_orphaned += before - log.records.size();
      for (auto& [split, step] : last_step) step = std::min(step, r.step() - 1);
    }
    last_step[r.split()] = r.step();
    log.records.push_back(std::move(r));
  }
  return log;
}

MetricsLog read_metrics(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  TRIT_CHECK(in, "cannot open ", path, " for reading");
  std::stringstream content;
  content << in.rdbuf();
  TRIT_CHECK(!in.bad(), "error reading ", path);
  return parse_metrics_log(content.str(), path.string());
}

}  // namespace trit::telemetry

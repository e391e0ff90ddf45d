#include "model/metrics_record.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <cctype>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

namespace trit::monitor {
namespace {

bool starts_with_at(std::string_view text, size_t pos, std::string_view word) {
  return text.size() - pos >= word.size() && text.substr(pos, word.size()) == word;
}

}  // namespace

std::optional<double> parse_non_finite_string(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (lower == "nan" || lower == "-nan" || lower == "+nan") return std::numeric_limits<double>::quiet_NaN();
  if (lower == "inf" || lower == "+inf" || lower == "infinity" || lower == "+infinity") return inf;
  if (lower == "-inf" || lower == "-infinity") return -inf;
  return std::nullopt;
}

std::string quote_non_finite_tokens(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size()) {
        out.push_back(text[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out.push_back(c);
    } else if (starts_with_at(text, i, "NaN")) {
      out += "\"nan\"";
      i += 2;
    } else if (starts_with_at(text, i, "-Infinity")) {
      out += "\"-inf\"";
      i += 8;
    } else if (starts_with_at(text, i, "Infinity")) {
      out += "\"inf\"";
      i += 7;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {

// One value of a line's object, as either parser saw it.
struct Field {
  enum Kind { Number, String, Bool, Other } kind = Other;
  double number = 0.0;
  std::string_view text;  // String: its characters (no escapes)
  bool boolean = false;
};

struct StepState {
  bool seen = false;
  std::optional<double> value;
};

std::optional<double> field_number(const Field& f) {
  if (f.kind == Field::Number) return f.number;
  if (f.kind == Field::String) return parse_non_finite_string(f.text);
  return std::nullopt;
}

void apply_field(MetricsRecord& rec, StepState& step, std::string_view key, const Field& f) {
  if (key == "step") {
    step.seen = true;
    step.value = field_number(f);
    return;
  }
  if (key == "split") {
    if (f.kind == Field::String && !f.text.empty()) rec.split = std::string(f.text);
    return;
  }
  if (key == "final") {
    rec.final_marker = rec.final_marker || (f.kind == Field::Bool && f.boolean);
    return;
  }
  if (key == "status" || key == "event") {
    rec.final_marker = rec.final_marker ||
                       (f.kind == Field::String && (f.text == "finished" || f.text == "done" ||
                                                    f.text == "complete" || f.text == "completed"));
    return;
  }
  auto num = field_number(f);
  if (!num) return;
  if (key == "time") {
    rec.time = *num;
    return;
  }
  if (key == "tokens") rec.tokens = *num;  // also kept as a series below
  rec.values.emplace_back(std::string(key), *num);
}

// Fast path for the common line: a flat object of numbers, strings without escapes,
// booleans, null and the bare tokens NaN/Infinity/-Infinity. Returns false when the line
// needs the full parser (nested values, escapes, anything unusual or malformed); the full
// parser then decides, so both paths accept and reject the same lines.
bool parse_flat(std::string_view s, MetricsRecord& rec, StepState& step) {
  size_t i = 0;
  const size_t n = s.size();
  auto ws = [&] {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
  };
  auto string_at = [&](std::string_view& out) {
    if (i >= n || s[i] != '"') return false;
    const size_t close = s.find_first_of("\"\\", i + 1);
    if (close == std::string_view::npos || s[close] != '"') return false;  // escapes: full parser
    out = s.substr(i + 1, close - i - 1);
    i = close + 1;
    return true;
  };
  auto literal = [&](std::string_view word) {
    if (s.substr(i, word.size()) != word) return false;
    i += word.size();
    return true;
  };
  ws();
  if (i >= n || s[i] != '{') return false;
  ++i;
  ws();
  if (i < n && s[i] == '}') return false;  // empty object: let the full parser report it
  while (true) {
    ws();
    std::string_view key;
    if (!string_at(key)) return false;
    ws();
    if (i >= n || s[i] != ':') return false;
    ++i;
    ws();
    if (i >= n) return false;
    Field f;
    const char c = s[i];
    if (c == '"') {
      f.kind = Field::String;
      if (!string_at(f.text)) return false;
    } else if (c == 't' || c == 'f') {
      f.kind = Field::Bool;
      f.boolean = c == 't';
      if (!literal(f.boolean ? "true" : "false")) return false;
    } else if (c == 'n') {
      if (!literal("null")) return false;
    } else if (c == 'N' || c == 'I' || (c == '-' && i + 1 < n && s[i + 1] == 'I')) {
      f.kind = Field::Number;
      if (literal("NaN")) f.number = std::numeric_limits<double>::quiet_NaN();
      else if (literal("Infinity")) f.number = std::numeric_limits<double>::infinity();
      else if (literal("-Infinity")) f.number = -std::numeric_limits<double>::infinity();
      else return false;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      // JSON numbers only: from_chars alone would also take "inf", "nan" and hex forms.
      size_t j = i + (c == '-' ? 1 : 0);
      if (j >= n || s[j] < '0' || s[j] > '9') return false;
      const auto [end, ec] = std::from_chars(s.data() + i, s.data() + n, f.number);
      if (ec != std::errc()) return false;
      const size_t stop = static_cast<size_t>(end - s.data());
      for (size_t k = j; k < stop; ++k)
        if (!std::strchr("0123456789.eE+-", s[k])) return false;
      f.kind = Field::Number;
      i = stop;
    } else {
      return false;  // arrays, nested objects, anything else
    }
    apply_field(rec, step, key, f);
    ws();
    if (i < n && s[i] == ',') {
      ++i;
      continue;
    }
    if (i < n && s[i] == '}') {
      ++i;
      ws();
      return i == n;
    }
    return false;
  }
}

}  // namespace

std::optional<MetricsRecord> parse_metrics_line(std::string_view line, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<MetricsRecord> {
    if (error) *error = why;
    return std::nullopt;
  };
  MetricsRecord rec;
  rec.time = std::numeric_limits<double>::quiet_NaN();
  rec.tokens = std::numeric_limits<double>::quiet_NaN();
  StepState step;
  if (!parse_flat(line, rec, step)) {
    rec = MetricsRecord{};
    rec.time = std::numeric_limits<double>::quiet_NaN();
    rec.tokens = std::numeric_limits<double>::quiet_NaN();
    step = StepState{};
    // Only rewrite when a bare token may be present: the common line is parsed as is.
    const bool maybe_bare = line.find("NaN") != std::string_view::npos ||
                            line.find("Infinity") != std::string_view::npos;
    nlohmann::json doc = maybe_bare
        ? nlohmann::json::parse(quote_non_finite_tokens(line), nullptr, false)
        : nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (doc.is_discarded()) return fail("not valid JSON");
    if (!doc.is_object()) return fail("not a JSON object");
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      const auto& v = it.value();
      Field f;
      if (v.is_number()) {
        f.kind = Field::Number;
        f.number = v.get<double>();
      } else if (v.is_string()) {
        f.kind = Field::String;
        f.text = v.get_ref<const std::string&>();
      } else if (v.is_boolean()) {
        f.kind = Field::Bool;
        f.boolean = v.get<bool>();
      }
      apply_field(rec, step, it.key(), f);
    }
  }
  if (!step.seen) return fail("no \"step\" field");
  if (!step.value || !std::isfinite(*step.value) || *step.value < 0)
    return fail("\"step\" is not a non-negative number");
  rec.step = static_cast<long long>(std::llround(*step.value));
  return rec;
}

}  // namespace trit::monitor

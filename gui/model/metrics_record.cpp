#include "model/metrics_record.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

namespace trit::monitor {
namespace {

bool starts_with_at(std::string_view text, size_t pos, std::string_view word) {
  return text.size() - pos >= word.size() && text.substr(pos, word.size()) == word;
}

// A number, or one of the non-finite spellings; nullopt for anything else.
std::optional<double> json_to_double(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return parse_non_finite_string(v.get_ref<const std::string&>());
  return std::nullopt;
}

bool is_finished_status(const nlohmann::json& v) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  return s == "finished" || s == "done" || s == "complete" || s == "completed";
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

std::optional<MetricsRecord> parse_metrics_line(std::string_view line, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<MetricsRecord> {
    if (error) *error = why;
    return std::nullopt;
  };
  // Only rewrite when a bare token may be present: the common line is parsed as is.
  const bool maybe_bare = line.find("NaN") != std::string_view::npos ||
                          line.find("Infinity") != std::string_view::npos;
  nlohmann::json doc = maybe_bare
      ? nlohmann::json::parse(quote_non_finite_tokens(line), nullptr, false)
      : nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (doc.is_discarded()) return fail("not valid JSON");
  if (!doc.is_object()) return fail("not a JSON object");

  MetricsRecord rec;
  rec.time = std::numeric_limits<double>::quiet_NaN();
  rec.tokens = std::numeric_limits<double>::quiet_NaN();
  auto step_it = doc.find("step");
  if (step_it == doc.end()) return fail("no \"step\" field");
  auto step = json_to_double(*step_it);
  if (!step || !std::isfinite(*step) || *step < 0) return fail("\"step\" is not a non-negative number");
  rec.step = static_cast<long long>(std::llround(*step));

  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    const auto& v = it.value();
    if (key == "step") continue;
    if (key == "split") {
      if (v.is_string() && !v.get_ref<const std::string&>().empty()) rec.split = v.get<std::string>();
      continue;
    }
    if (key == "final") {
      rec.final_marker = rec.final_marker || (v.is_boolean() && v.get<bool>());
      continue;
    }
    if (key == "status" || key == "event") {
      rec.final_marker = rec.final_marker || is_finished_status(v);
      continue;
    }
    auto num = json_to_double(v);
    if (!num) continue;
    if (key == "time") {
      rec.time = *num;
      continue;
    }
    if (key == "tokens") rec.tokens = *num;  // also kept as a series below
    rec.values.emplace_back(key, *num);
  }
  return rec;
}

}  // namespace trit::monitor

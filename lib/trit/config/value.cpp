#include "trit/config/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "trit/core/error.h"

namespace trit::config {

std::string_view type_phrase(ValueType type) {
  switch (type) {
    case ValueType::integer: return "an integer";
    case ValueType::floating: return "a float";
    case ValueType::boolean: return "a bool (true/false)";
    case ValueType::string: return "a string";
    case ValueType::enumeration: return "one of its choices (a string)";
    case ValueType::int_list: return "a list of integers";
    case ValueType::float_list: return "a list of floats";
    case ValueType::string_list: return "a list of strings";
  }
  return "?";
}

std::string_view type_name(ValueType type) {
  switch (type) {
    case ValueType::integer: return "int";
    case ValueType::floating: return "float";
    case ValueType::boolean: return "bool";
    case ValueType::string: return "string";
    case ValueType::enumeration: return "enum";
    case ValueType::int_list: return "int list";
    case ValueType::float_list: return "float list";
    case ValueType::string_list: return "string list";
  }
  return "?";
}

bool is_list(ValueType type) {
  return type == ValueType::int_list || type == ValueType::float_list ||
         type == ValueType::string_list;
}

ValueType element_type(ValueType type) {
  switch (type) {
    case ValueType::int_list: return ValueType::integer;
    case ValueType::float_list: return ValueType::floating;
    case ValueType::string_list: return ValueType::string;
    default: return type;
  }
}

bool holds_type(const Value& value, ValueType type) {
  switch (type) {
    case ValueType::integer: return std::holds_alternative<int64_t>(value);
    case ValueType::floating: return std::holds_alternative<double>(value);
    case ValueType::boolean: return std::holds_alternative<bool>(value);
    case ValueType::string:
    case ValueType::enumeration: return std::holds_alternative<std::string>(value);
    case ValueType::int_list: return std::holds_alternative<std::vector<int64_t>>(value);
    case ValueType::float_list: return std::holds_alternative<std::vector<double>>(value);
    case ValueType::string_list: return std::holds_alternative<std::vector<std::string>>(value);
  }
  return false;
}

std::string format_float(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  std::string text(buf, end);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

namespace {

std::string format_scalar(int64_t v) { return std::to_string(v); }
std::string format_scalar(double v) { return format_float(v); }
std::string format_scalar(bool v) { return v ? "true" : "false"; }
std::string format_scalar(const std::string& v) { return v; }

template <typename T>
std::string format_list(const std::vector<T>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += format_scalar(items[i]);
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

[[noreturn]] void type_error(std::string_view key, ValueType type, std::string_view got) {
  fail("key '", key, "' expects ", type_phrase(type), ", got ", got);
}

std::string quoted(std::string_view text) { return str_cat("'", text, "'"); }

int64_t parse_int(std::string_view text, std::string_view key) {
  std::string_view digits = trim(text);
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range)
    fail("key '", key, "' expects an integer, got '", text, "' (out of the 64-bit range)");
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
    type_error(key, ValueType::integer, quoted(text));
  return v;
}

double parse_float(std::string_view text, std::string_view key) {
  std::string_view digits = trim(text);
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
    type_error(key, ValueType::floating, quoted(text));
  TRIT_CHECK(std::isfinite(v), "key '", key, "' expects a finite float, got '", text, "'");
  return v;
}

bool parse_bool(std::string_view text, std::string_view key) {
  std::string word = lower(trim(text));
  if (word == "true" || word == "1" || word == "yes" || word == "on") return true;
  if (word == "false" || word == "0" || word == "no" || word == "off") return false;
  type_error(key, ValueType::boolean, quoted(text));
}

template <typename T, typename ParseItem>
std::vector<T> parse_list(std::string_view text, ParseItem parse_item) {
  std::vector<T> items;
  if (trim(text).empty()) return items;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    items.push_back(parse_item(trim(item)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

std::string describe_json(const nlohmann::json& json) {
  std::string text = json.dump();
  if (text.size() > 40) text = str_cat(text.substr(0, 37), "...");
  return str_cat(json.type_name(), " ", text);
}

int64_t int_from_json(const nlohmann::json& json, std::string_view key) {
  if (json.is_number_unsigned()) {
    auto v = json.get<uint64_t>();
    TRIT_CHECK(v <= static_cast<uint64_t>(INT64_MAX), "key '", key, "' expects an integer, got ",
               v, " (out of the 64-bit range)");
    return static_cast<int64_t>(v);
  }
  if (json.is_number_integer()) return json.get<int64_t>();
  if (json.is_number_float()) {
    double d = json.get<double>();
    // 1e3 is an integer written as a float; 2.5 is not. 2^63 itself is out of range.
    if (std::isfinite(d) && d == std::trunc(d) && d >= -9.2233720368547758e18 && d < 9.2233720368547758e18)
      return static_cast<int64_t>(d);
  }
  type_error(key, ValueType::integer, describe_json(json));
}

double float_from_json(const nlohmann::json& json, std::string_view key) {
  if (!json.is_number()) type_error(key, ValueType::floating, describe_json(json));
  return json.get<double>();
}

}  // namespace

std::string format_value(const Value& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::vector<int64_t>> ||
                      std::is_same_v<T, std::vector<double>> ||
                      std::is_same_v<T, std::vector<std::string>>)
          return format_list(v);
        else
          return format_scalar(v);
      },
      value);
}

Value parse_value(std::string_view text, ValueType type, std::string_view key) {
  if (is_list(type) && !trim(text).empty() && trim(text).front() == '[') {
    nlohmann::json array = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    TRIT_CHECK(!array.is_discarded(), "key '", key, "' expects ", type_phrase(type),
               ", got '", text, "' (not a valid JSON array)");
    return value_from_json(array, type, key);
  }
  switch (type) {
    case ValueType::integer: return parse_int(text, key);
    case ValueType::floating: return parse_float(text, key);
    case ValueType::boolean: return parse_bool(text, key);
    case ValueType::string:
    case ValueType::enumeration: return std::string(text);
    case ValueType::int_list:
      return parse_list<int64_t>(text, [&](std::string_view s) { return parse_int(s, key); });
    case ValueType::float_list:
      return parse_list<double>(text, [&](std::string_view s) { return parse_float(s, key); });
    case ValueType::string_list:
      return parse_list<std::string>(text, [](std::string_view s) { return std::string(s); });
  }
  fail("key '", key, "': unknown value type");
}

Value value_from_json(const nlohmann::json& json, ValueType type, std::string_view key) {
  switch (type) {
    case ValueType::integer: return int_from_json(json, key);
    case ValueType::floating: return float_from_json(json, key);
    case ValueType::boolean:
      if (!json.is_boolean()) type_error(key, type, describe_json(json));
      return json.get<bool>();
    case ValueType::string:
    case ValueType::enumeration:
      if (!json.is_string()) type_error(key, type, describe_json(json));
      return json.get<std::string>();
    default: break;
  }
  if (!json.is_array()) type_error(key, type, describe_json(json));
  std::string element_key;
  auto element = [&](size_t i) -> const nlohmann::json& {
    element_key = str_cat(key, "[", i, "]");
    return json[i];
  };
  if (type == ValueType::int_list) {
    std::vector<int64_t> out;
    for (size_t i = 0; i < json.size(); ++i) out.push_back(int_from_json(element(i), element_key));
    return out;
  }
  if (type == ValueType::float_list) {
    std::vector<double> out;
    for (size_t i = 0; i < json.size(); ++i) out.push_back(float_from_json(element(i), element_key));
    return out;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < json.size(); ++i) {
    const nlohmann::json& item = element(i);
    if (!item.is_string()) type_error(element_key, ValueType::string, describe_json(item));
    out.push_back(item.get<std::string>());
  }
  return out;
}

nlohmann::json value_to_json(const Value& value) {
  return std::visit([](const auto& v) { return nlohmann::json(v); }, value);
}

}  // namespace trit::config

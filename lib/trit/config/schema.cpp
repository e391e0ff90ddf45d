#include "trit/config/schema.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "trit/config/config.h"
#include "trit/config/json_file.h"
#include "trit/config/suggest.h"
#include "trit/core/error.h"

namespace trit::config {

// ---- KeySpec ---------------------------------------------------------------------------

KeySpec::KeySpec(std::string name, ValueType type, Value default_value, std::string help,
                 std::vector<std::string> choices)
    : name_(std::move(name)),
      type_(type),
      default_(std::move(default_value)),
      help_(std::move(help)),
      choices_(std::move(choices)) {
  if (type_ == ValueType::enumeration) {
    TRIT_CHECK(!choices_.empty(), "schema: enum key '", name_, "' has no choices");
    for (size_t i = 0; i < choices_.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        TRIT_CHECK(choices_[i] != choices_[j], "schema: enum key '", name_, "' lists choice '",
                   choices_[i], "' twice");
  }
  check(default_);
}

KeySpec& KeySpec::min(double lower) {
  ValueType t = element_type(type_);
  TRIT_CHECK(t == ValueType::integer || t == ValueType::floating, "schema: min() on key '",
             name_, "' of type ", type_name(type_), " (only numbers have ranges)");
  TRIT_CHECK(!max_ || lower <= *max_, "schema: key '", name_, "' has min ", format_bound(lower), " > max ",
             format_bound(*max_));
  min_ = lower;
  check(default_);
  return *this;
}

KeySpec& KeySpec::max(double upper) {
  ValueType t = element_type(type_);
  TRIT_CHECK(t == ValueType::integer || t == ValueType::floating, "schema: max() on key '",
             name_, "' of type ", type_name(type_), " (only numbers have ranges)");
  TRIT_CHECK(!min_ || *min_ <= upper, "schema: key '", name_, "' has max ", format_bound(upper), " < min ",
             format_bound(*min_));
  max_ = upper;
  check(default_);
  return *this;
}

std::string KeySpec::format_bound(double bound) const {
  // Integer keys show integral bounds as integers: ">= 1", not ">= 1.0".
  bool integral = element_type(type_) == ValueType::integer && bound == std::trunc(bound) &&
                  std::fabs(bound) < 9e15;
  return integral ? std::to_string(static_cast<int64_t>(bound)) : format_float(bound);
}

void KeySpec::check_number(double v, std::string_view shown, std::string_view what) const {
  TRIT_CHECK(!min_ || v >= *min_, what, " must be >= ", format_bound(*min_), ", got ", shown);
  TRIT_CHECK(!max_ || v <= *max_, what, " must be <= ", format_bound(*max_), ", got ", shown);
}

void KeySpec::check(const Value& value) const {
  TRIT_CHECK(holds_type(value, type_), "key '", name_, "' expects ", type_phrase(type_),
             ", got a value of another type");
  std::string what = str_cat("key '", name_, "'");
  if (const auto* i = std::get_if<int64_t>(&value))
    check_number(static_cast<double>(*i), std::to_string(*i), what);
  if (const auto* d = std::get_if<double>(&value)) check_number(*d, format_float(*d), what);
  if (const auto* list = std::get_if<std::vector<int64_t>>(&value))
    for (size_t k = 0; k < list->size(); ++k)
      check_number(static_cast<double>((*list)[k]), std::to_string((*list)[k]),
                   str_cat("element ", k, " of ", what));
  if (const auto* list = std::get_if<std::vector<double>>(&value))
    for (size_t k = 0; k < list->size(); ++k)
      check_number((*list)[k], format_float((*list)[k]), str_cat("element ", k, " of ", what));
  if (type_ == ValueType::enumeration) {
    const auto& choice = std::get<std::string>(value);
    if (std::find(choices_.begin(), choices_.end(), choice) != choices_.end()) return;
    std::string hint;
    if (auto near = closest_match(choice, choices_)) hint = str_cat("; did you mean '", *near, "'?");
    fail("key '", name_, "' has no choice '", choice, "'", hint, " (choices: ", join(choices_), ")");
  }
}

Value KeySpec::parse(std::string_view text) const {
  Value v = parse_value(text, type_, name_);
  check(v);
  return v;
}

Value KeySpec::from_json(const nlohmann::json& json) const {
  Value v = value_from_json(json, type_, name_);
  check(v);
  return v;
}

std::string KeySpec::constraint_text() const {
  if (type_ == ValueType::enumeration) return str_cat("one of: ", join(choices_));
  if (!min_ && !max_) return "";
  std::string lo = min_ ? str_cat("[", format_bound(*min_)) : "(-inf";
  std::string hi = max_ ? str_cat(format_bound(*max_), "]") : "inf)";
  return str_cat("in ", lo, ", ", hi);
}

// ---- SchemaKeys ------------------------------------------------------------------------

const KeySpec* SchemaKeys::find(std::string_view name) const {
  auto it = index.find(name);
  return it == index.end() ? nullptr : &keys[it->second];
}

std::vector<std::string> SchemaKeys::names() const {
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (const KeySpec& k : keys) out.push_back(k.name());
  return out;
}

std::vector<std::string> SchemaKeys::section_keys(std::string_view name) const {
  std::vector<std::string> out;
  std::string prefix = std::string(name) + ".";
  for (auto it = index.lower_bound(prefix); it != index.end() && it->first.rfind(prefix, 0) == 0; ++it)
    out.push_back(it->first);
  return out;
}

void SchemaKeys::fail_unknown(std::string_view name, std::string_view context) const {
  std::string hint;
  if (auto near = closest_match(name, names())) hint = str_cat("; did you mean '", *near, "'?");
  fail(context, "unknown key '", name, "'", hint, " (valid keys: ", join(names()), ")");
}

// ---- Schema ----------------------------------------------------------------------------

namespace {

void check_key_name(std::string_view name) {
  bool ok = !name.empty() && name.front() != '.' && name.back() != '.' &&
            name.find("..") == std::string_view::npos;
  for (char c : name)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.');
  TRIT_CHECK(ok, "schema: bad key name '", name,
             "' (lower-case letters, digits and '_', sections separated by '.')");
}

}  // namespace

Schema::Schema() : keys_(std::make_shared<SchemaKeys>()) {}

KeySpec& Schema::add(KeySpec spec) {
  const std::string& name = spec.name();
  check_key_name(name);
  TRIT_CHECK(!keys_->find(name), "schema: key '", name, "' declared twice");
  TRIT_CHECK(keys_->section_keys(name).empty(), "schema: '", name,
             "' is already a section (", join(keys_->section_keys(name)), "), it cannot be a key");
  for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1))
    TRIT_CHECK(!keys_->find(std::string_view(name).substr(0, dot)), "schema: key '", name,
               "' would make the key '", name.substr(0, dot), "' a section");
  keys_->index.emplace(name, keys_->keys.size());
  keys_->keys.push_back(std::move(spec));
  return keys_->keys.back();
}

KeySpec& Schema::add_int(std::string name, int64_t default_value, std::string help) {
  return add(KeySpec(std::move(name), ValueType::integer, default_value, std::move(help)));
}
KeySpec& Schema::add_float(std::string name, double default_value, std::string help) {
  return add(KeySpec(std::move(name), ValueType::floating, default_value, std::move(help)));
}
KeySpec& Schema::add_bool(std::string name, bool default_value, std::string help) {
  return add(KeySpec(std::move(name), ValueType::boolean, default_value, std::move(help)));
}
KeySpec& Schema::add_string(std::string name, std::string default_value, std::string help) {
  return add(KeySpec(std::move(name), ValueType::string, std::move(default_value), std::move(help)));
}
KeySpec& Schema::add_enum(std::string name, std::string default_value,
                          std::vector<std::string> choices, std::string help) {
  return add(KeySpec(std::move(name), ValueType::enumeration, std::move(default_value),
                     std::move(help), std::move(choices)));
}
KeySpec& Schema::add_int_list(std::string name, std::vector<int64_t> default_value, std::string help) {
  return add(KeySpec(std::move(name), ValueType::int_list, std::move(default_value), std::move(help)));
}
KeySpec& Schema::add_float_list(std::string name, std::vector<double> default_value, std::string help) {
  return add(KeySpec(std::move(name), ValueType::float_list, std::move(default_value), std::move(help)));
}
KeySpec& Schema::add_string_list(std::string name, std::vector<std::string> default_value,
                                 std::string help) {
  return add(KeySpec(std::move(name), ValueType::string_list, std::move(default_value), std::move(help)));
}

Config Schema::defaults() const {
  // Configs keep a snapshot, so a schema may grow after configs were made from it.
  return Config(std::make_shared<const SchemaKeys>(*keys_));
}

Config Schema::resolve(const nlohmann::json& file, const std::vector<std::string>& overrides,
                       std::string_view file_name) const {
  Config config = defaults();
  if (!file.is_null()) config.apply_json(file, file_name);
  config.apply_overrides(overrides);
  return config;
}

Config Schema::resolve_file(const std::filesystem::path& file,
                            const std::vector<std::string>& overrides) const {
  if (file.empty()) return resolve(nullptr, overrides);
  return resolve(load_json_file(file), overrides, file.string());
}

std::string Schema::help_table() const {
  std::vector<std::array<std::string, 4>> rows;
  rows.push_back({"key", "type", "default", "description"});
  for (const KeySpec& k : keys()) {
    std::string help = k.help();
    std::string constraint = k.constraint_text();
    if (!constraint.empty()) help += help.empty() ? constraint : str_cat(" (", constraint, ")");
    std::string def = format_value(k.default_value());
    rows.push_back({k.name(), std::string(type_name(k.type())), def.empty() ? "\"\"" : def, help});
  }
  std::array<size_t, 3> width{};
  for (const auto& r : rows)
    for (size_t c = 0; c < 3; ++c) width[c] = std::max(width[c], r[c].size());
  std::string out;
  for (const auto& r : rows) {
    for (size_t c = 0; c < 3; ++c) out += r[c] + std::string(width[c] - r[c].size() + 2, ' ');
    out += r[3] + "\n";
  }
  return out;
}

}  // namespace trit::config

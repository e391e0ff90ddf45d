#include "trit/config/config.h"

#include <algorithm>
#include <array>

#include "trit/config/suggest.h"
#include "trit/core/error.h"

namespace trit::config {

std::string_view source_name(Source source) {
  switch (source) {
    case Source::default_value: return "default";
    case Source::file: return "file";
    case Source::command_line: return "command line";
  }
  return "?";
}

Config::Config(std::shared_ptr<const SchemaKeys> keys) : keys_(std::move(keys)) {
  values_.reserve(keys_->keys.size());
  for (const KeySpec& k : keys_->keys) values_.push_back(k.default_value());
  sources_.assign(values_.size(), Source::default_value);
}

size_t Config::index_of(std::string_view key) const {
  auto it = keys_->index.find(key);
  if (it == keys_->index.end()) keys_->fail_unknown(key, "config: ");
  return it->second;
}

template <typename T>
const T& Config::get_as(std::string_view key, std::string_view wanted) const {
  size_t i = index_of(key);
  const T* v = std::get_if<T>(&values_[i]);
  TRIT_CHECK(v, "config: key '", key, "' is ", type_phrase(keys_->keys[i].type()),
             ", not ", wanted);
  return *v;
}

int64_t Config::get_int(std::string_view key) const { return get_as<int64_t>(key, "an integer"); }
double Config::get_float(std::string_view key) const { return get_as<double>(key, "a float"); }
bool Config::get_bool(std::string_view key) const { return get_as<bool>(key, "a bool"); }
const std::string& Config::get_string(std::string_view key) const {
  return get_as<std::string>(key, "a string");
}
const std::vector<int64_t>& Config::get_int_list(std::string_view key) const {
  return get_as<std::vector<int64_t>>(key, "a list of integers");
}
const std::vector<double>& Config::get_float_list(std::string_view key) const {
  return get_as<std::vector<double>>(key, "a list of floats");
}
const std::vector<std::string>& Config::get_string_list(std::string_view key) const {
  return get_as<std::vector<std::string>>(key, "a list of strings");
}
const Value& Config::get(std::string_view key) const { return values_[index_of(key)]; }
Source Config::source(std::string_view key) const { return sources_[index_of(key)]; }

void Config::set(std::string_view key, Value value, Source source) {
  size_t i = index_of(key);
  keys_->keys[i].check(value);
  values_[i] = std::move(value);
  sources_[i] = source;
}

void Config::apply_json(const nlohmann::json& object, std::string_view file_name) {
  TRIT_CHECK(object.is_object(), file_name, ": expected a JSON object of settings at the top, got ",
             object.type_name());
  std::vector<std::string> seen;
  apply_json_at(object, "", file_name, seen);
}

void Config::apply_json_at(const nlohmann::json& object, const std::string& prefix,
                           std::string_view file_name, std::vector<std::string>& seen) {
  std::string context = std::string(file_name) + ": ";
  for (const auto& [name, value] : object.items()) {
    std::string key = prefix.empty() ? name : prefix + "." + name;
    if (const KeySpec* spec = keys_->find(key)) {
      TRIT_CHECK(std::find(seen.begin(), seen.end(), key) == seen.end(), context, "key '", key,
                 "' is given twice (nested and dotted)");
      seen.push_back(key);
      try {
        Value v = spec->from_json(value);
        size_t i = index_of(key);
        values_[i] = std::move(v);
        sources_[i] = Source::file;
      } catch (const Error& e) {
        fail(context, e.what());
      }
      continue;
    }
    std::vector<std::string> section = keys_->section_keys(key);
    if (section.empty()) keys_->fail_unknown(key, context);
    TRIT_CHECK(value.is_object(), context, "'", key, "' is a section (keys ", join(section),
               "), expected a JSON object, got ", value.type_name(), " ", value.dump());
    apply_json_at(value, key, file_name, seen);
  }
}

std::vector<Override> parse_overrides(const std::vector<std::string>& args) {
  std::vector<Override> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string_view body = arg;
    bool dashed = body.rfind("--", 0) == 0;
    if (dashed) body.remove_prefix(2);
    size_t eq = body.find('=');
    Override o;
    o.arg = arg;
    if (eq != std::string_view::npos) {
      o.key = body.substr(0, eq);
      o.value = body.substr(eq + 1);
    } else {
      TRIT_CHECK(dashed, "argument '", arg, "' is not an override: write --key=value");
      o.key = body;
      if (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
        o.value = args[++i];
        o.arg += " " + o.value;
      } else {
        o.has_value = false;
      }
    }
    TRIT_CHECK(!o.key.empty(), "argument '", arg, "': empty key (write --key=value)");
    out.push_back(std::move(o));
  }
  return out;
}

void Config::apply_overrides(const std::vector<std::string>& args) {
  for (const Override& o : parse_overrides(args)) {
    std::string context = o.arg + ": ";
    const KeySpec* spec = keys_->find(o.key);
    if (!spec) {
      std::vector<std::string> section = keys_->section_keys(o.key);
      TRIT_CHECK(section.empty(), context, "'", o.key, "' is a section, not a key; its keys: ",
                 join(section));
      keys_->fail_unknown(o.key, context);
    }
    std::string text = o.value;
    if (!o.has_value) {
      TRIT_CHECK(spec->type() == ValueType::boolean, context, "key '", o.key, "' expects ",
                 type_phrase(spec->type()), ": write --", o.key, "=VALUE");
      text = "true";
    }
    try {
      set(o.key, spec->parse(text), Source::command_line);
    } catch (const Error& e) {
      fail(context, e.what());
    }
  }
}

nlohmann::json Config::to_json() const {
  nlohmann::json root = nlohmann::json::object();
  for (size_t i = 0; i < values_.size(); ++i) {
    const std::string& name = keys_->keys[i].name();
    nlohmann::json* node = &root;
    size_t start = 0;
    for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start)) {
      node = &(*node)[name.substr(start, dot - start)];
      start = dot + 1;
    }
    (*node)[name.substr(start)] = value_to_json(values_[i]);
  }
  return root;
}

std::string Config::to_table() const {
  std::vector<std::array<std::string, 3>> rows;
  rows.push_back({"key", "value", "source"});
  for (size_t i = 0; i < values_.size(); ++i) {
    std::string value = format_value(values_[i]);
    rows.push_back({keys_->keys[i].name(), value.empty() ? "\"\"" : value,
                    std::string(source_name(sources_[i]))});
  }
  std::array<size_t, 2> width{};
  for (const auto& r : rows)
    for (size_t c = 0; c < 2; ++c) width[c] = std::max(width[c], r[c].size());
  std::string out;
  for (const auto& r : rows) {
    for (size_t c = 0; c < 2; ++c) out += r[c] + std::string(width[c] - r[c].size() + 2, ' ');
    out += r[2] + "\n";
  }
  return out;
}

}  // namespace trit::config

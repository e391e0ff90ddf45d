#pragma once
// The schema of a program's configuration: every key with its type, default, help text,
// and checks (enumeration choices, numeric range). A program declares it in one place:
//
//   Schema s;
//   s.add_int("train.batch_size", 16, "sequences per step").min(1);
//   s.add_float("optim.lr", 6e-4, "peak learning rate").min(0);
//   s.add_enum("model.family", "bitnet", {"bitnet", "transformer", "trix", "byte_spectral"},
//              "model family");
//   Config c = s.resolve(load_json_file(path), overrides, path.string());
//   c.get_int("train.batch_size");
//
// Keys are dotted names (lower-case letters, digits, '_' between the dots); the part before
// the last dot is a section, written as a nested object in JSON files. A name cannot be
// both a key and a section.
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trit/config/value.h"

namespace trit::config {

class Config;

class KeySpec {
 public:
  KeySpec(std::string name, ValueType type, Value default_value, std::string help,
          std::vector<std::string> choices = {});

  // Inclusive bounds for numbers (each element of a numeric list); the default must obey.
  KeySpec& min(double lower);
  KeySpec& max(double upper);
  KeySpec& range(double lower, double upper) { return min(lower).max(upper); }

  const std::string& name() const { return name_; }
  ValueType type() const { return type_; }
  const Value& default_value() const { return default_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& choices() const { return choices_; }
  std::optional<double> lower() const { return min_; }
  std::optional<double> upper() const { return max_; }

  // Throws trit::Error ("key 'x' must be >= 1, got 0") when `value` breaks a check.
  void check(const Value& value) const;
  // Parses command-line text and checks it.
  Value parse(std::string_view text) const;
  // Converts JSON and checks it.
  Value from_json(const nlohmann::json& json) const;
  // "one of: a, b", "in [1, inf)", "" : the checks in words, for help tables.
  std::string constraint_text() const;

 private:
  void check_number(double v, std::string_view shown, std::string_view what) const;
  std::string format_bound(double bound) const;

  std::string name_;
  ValueType type_;
  Value default_;
  std::string help_;
  std::vector<std::string> choices_;
  std::optional<double> min_, max_;
};

// The keys of a schema, shared by the Configs made from it (a snapshot: adding keys to a
// schema later does not change configs already made).
struct SchemaKeys {
  std::deque<KeySpec> keys;  // declaration order; deque keeps references stable
  std::map<std::string, size_t, std::less<>> index;
  const KeySpec* find(std::string_view name) const;
  // Throws the "unknown key" error: suggestion and the list of valid keys.
  [[noreturn]] void fail_unknown(std::string_view name, std::string_view context) const;
  // Keys under section `name` ("model" -> model.family, ...), empty if it is not a section.
  std::vector<std::string> section_keys(std::string_view name) const;
  std::vector<std::string> names() const;
};

class Schema {
 public:
  Schema();

  KeySpec& add_int(std::string name, int64_t default_value, std::string help);
  KeySpec& add_float(std::string name, double default_value, std::string help);
  KeySpec& add_bool(std::string name, bool default_value, std::string help);
  KeySpec& add_string(std::string name, std::string default_value, std::string help);
  KeySpec& add_enum(std::string name, std::string default_value, std::vector<std::string> choices,
                    std::string help);
  KeySpec& add_int_list(std::string name, std::vector<int64_t> default_value, std::string help);
  KeySpec& add_float_list(std::string name, std::vector<double> default_value, std::string help);
  KeySpec& add_string_list(std::string name, std::vector<std::string> default_value,
                           std::string help);

  const KeySpec* find(std::string_view name) const { return keys_->find(name); }
  const std::deque<KeySpec>& keys() const { return keys_->keys; }

  // Every key at its default.
  Config defaults() const;
  // defaults < `file` (a JSON object; null for none) < `overrides` (command-line arguments
  // "--key=value", "--key value", "key=value"). `file_name` names the file in errors.
  Config resolve(const nlohmann::json& file, const std::vector<std::string>& overrides,
                 std::string_view file_name = "config file") const;
  // The same with the JSON read from `file` (no file when the path is empty).
  Config resolve_file(const std::filesystem::path& file,
                      const std::vector<std::string>& overrides) const;

  // Aligned table of key, type, default and help (with choices and ranges), for --help.
  std::string help_table() const;

 private:
  KeySpec& add(KeySpec spec);
  std::shared_ptr<SchemaKeys> keys_;
};

}  // namespace trit::config

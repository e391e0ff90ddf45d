#pragma once
// A resolved configuration: one checked value per key of its schema, and where each value
// came from. Lookups by dotted key; asking for a key that does not exist or with the wrong
// type is a programming error and throws trit::Error naming the key.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "trit/config/schema.h"
#include "trit/config/value.h"

namespace trit::config {

enum class Source { default_value, file, command_line };
std::string_view source_name(Source source);  // "default", "file", "command line"

class Config {
 public:
  explicit Config(std::shared_ptr<const SchemaKeys> keys);  // every key at its default

  int64_t get_int(std::string_view key) const;
  double get_float(std::string_view key) const;  // int keys are not converted: ask get_int
  bool get_bool(std::string_view key) const;
  const std::string& get_string(std::string_view key) const;  // string and enum keys
  const std::vector<int64_t>& get_int_list(std::string_view key) const;
  const std::vector<double>& get_float_list(std::string_view key) const;
  const std::vector<std::string>& get_string_list(std::string_view key) const;
  const Value& get(std::string_view key) const;
  Source source(std::string_view key) const;
  bool has(std::string_view key) const { return keys_->find(key) != nullptr; }

  // Sets a key from a checked value, as if it came from `source`.
  void set(std::string_view key, Value value, Source source = Source::command_line);

  // Layers: a JSON object (nested sections and/or dotted keys) read from `file_name`; then
  // command-line overrides, applied in order (a later one wins). Errors name the file or the
  // argument.
  void apply_json(const nlohmann::json& object, std::string_view file_name);
  void apply_overrides(const std::vector<std::string>& args);

  // Nested JSON with every key (defaults included); resolving it again gives this config.
  nlohmann::json to_json() const;
  // Aligned table: key, value, source.
  std::string to_table() const;

  const std::deque<KeySpec>& keys() const { return keys_->keys; }

 private:
  size_t index_of(std::string_view key) const;
  template <typename T>
  const T& get_as(std::string_view key, std::string_view wanted) const;
  void apply_json_at(const nlohmann::json& object, const std::string& prefix,
                     std::string_view file_name, std::vector<std::string>& seen);

  std::shared_ptr<const SchemaKeys> keys_;
  std::vector<Value> values_;
  std::vector<Source> sources_;
};

// One parsed command-line override.
struct Override {
  std::string key;
  std::string value;
  std::string arg;  // the argument(s) as given, for messages
  bool has_value = true;  // false for a bare "--flag"
};
// Splits "--key=value", "key=value" and "--key value" forms; a bare "--key" (last, or
// followed by another "--" argument) has no value, which only bool keys accept (= true).
std::vector<Override> parse_overrides(const std::vector<std::string>& args);

}  // namespace trit::config

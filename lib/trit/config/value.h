#pragma once
// Configuration values: the types a key may have, and conversion of values from the
// command line (text) and from JSON, each checked against the key's type.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace trit::config {

// Enumerations hold their choice as a string; lists are homogeneous.
enum class ValueType { integer, floating, boolean, string, enumeration, int_list, float_list, string_list };

using Value = std::variant<int64_t, double, bool, std::string, std::vector<int64_t>,
                           std::vector<double>, std::vector<std::string>>;

// "an integer", "a float", "a list of integers", ... for messages.
std::string_view type_phrase(ValueType type);
// "int", "float", "bool", "string", "enum", "int list", ... for tables.
std::string_view type_name(ValueType type);
bool is_list(ValueType type);
// The type of one element of a list type (the type itself otherwise).
ValueType element_type(ValueType type);
// Whether `value` holds the alternative `type` is stored in.
bool holds_type(const Value& value, ValueType type);

// The value as it would be typed on a command line: 16, 0.0006, true, bitnet, 1,2,3.
std::string format_value(const Value& value);
// Shortest text that reads back to the same double, with ".0" when it would look integral.
std::string format_float(double value);

// Parses command-line text for a key of `type`. Lists are comma-separated ("1,2,3"; "" is
// the empty list) or a JSON array ("[1, 2, 3]"). Throws trit::Error with a message that
// starts "key '<key>' expects ...". Enumeration choices are checked by the schema.
Value parse_value(std::string_view text, ValueType type, std::string_view key);

// Converts a JSON value for a key of `type`; integral floats (1e3) are accepted as integers.
Value value_from_json(const nlohmann::json& json, ValueType type, std::string_view key);
nlohmann::json value_to_json(const Value& value);

}  // namespace trit::config

#include "trit/config/value.h"

#include <catch2/catch.hpp>

#include "trit/core/error.h"

using namespace trit;
using namespace trit::config;
using Catch::Contains;

TEST_CASE("parse_value: integers") {
  CHECK(std::get<int64_t>(parse_value("42", ValueType::integer, "k")) == 42);
  CHECK(std::get<int64_t>(parse_value("+7", ValueType::integer, "k")) == 7);
  CHECK(std::get<int64_t>(parse_value("-9223372036854775808", ValueType::integer, "k")) == INT64_MIN);
  CHECK_THROWS_WITH(parse_value("9223372036854775808", ValueType::integer, "k"), Contains("out of the 64-bit range"));
  CHECK_THROWS_WITH(parse_value("", ValueType::integer, "k"), "key 'k' expects an integer, got ''");
  CHECK_THROWS_WITH(parse_value("12abc", ValueType::integer, "k"), Contains("got '12abc'"));
}

TEST_CASE("parse_value: floats, bools, strings") {
  CHECK(std::get<double>(parse_value("6e-4", ValueType::floating, "k")) == 6e-4);
  CHECK(std::get<double>(parse_value("3", ValueType::floating, "k")) == 3.0);
  CHECK_THROWS_WITH(parse_value("inf", ValueType::floating, "k"), Contains("finite"));
  CHECK_THROWS_WITH(parse_value("1.0.0", ValueType::floating, "k"), Contains("expects a float"));
  for (const char* t : {"true", "TRUE", "1", "yes", "on"}) CHECK(std::get<bool>(parse_value(t, ValueType::boolean, "k")));
  for (const char* t : {"false", "0", "No", "off"}) CHECK_FALSE(std::get<bool>(parse_value(t, ValueType::boolean, "k")));
  CHECK(std::get<std::string>(parse_value(" a b ", ValueType::string, "k")) == " a b ");
}

TEST_CASE("parse_value: lists as commas or JSON arrays") {
  CHECK(std::get<std::vector<int64_t>>(parse_value("1, 2,3", ValueType::int_list, "k")) ==
        std::vector<int64_t>{1, 2, 3});
  CHECK(std::get<std::vector<int64_t>>(parse_value("[1,2]", ValueType::int_list, "k")) ==
        std::vector<int64_t>{1, 2});
  CHECK(std::get<std::vector<std::string>>(parse_value("[\"a,b\", \"c\"]", ValueType::string_list, "k")) ==
        std::vector<std::string>{"a,b", "c"});
  CHECK(std::get<std::vector<double>>(parse_value("", ValueType::float_list, "k")).empty());
  CHECK_THROWS_WITH(parse_value("[1,", ValueType::int_list, "k"), Contains("not a valid JSON array"));
  CHECK_THROWS_WITH(parse_value("[1,\"x\"]", ValueType::int_list, "k"),
                    Contains("key 'k[1]' expects an integer, got string \"x\""));
}

TEST_CASE("value_from_json checks JSON types") {
  CHECK_THROWS_WITH(value_from_json(nullptr, ValueType::floating, "lr"), "key 'lr' expects a float, got null null");
  CHECK_THROWS_WITH(value_from_json(1, ValueType::boolean, "b"), Contains("expects a bool"));
  CHECK_THROWS_WITH(value_from_json(nlohmann::json(uint64_t(1) << 63), ValueType::integer, "n"), Contains("64-bit range"));
  CHECK_THROWS_WITH(value_from_json(9.3e18, ValueType::integer, "n"), Contains("expects an integer"));
  CHECK_THROWS_WITH(value_from_json("x", ValueType::int_list, "l"), Contains("expects a list of integers"));
  CHECK(std::get<int64_t>(value_from_json(-4, ValueType::integer, "n")) == -4);
}

TEST_CASE("format_value writes command-line text") {
  CHECK(format_value(Value{int64_t{5}}) == "5");
  CHECK(format_value(Value{0.1}) == "0.1");
  CHECK(format_value(Value{2.0}) == "2.0");
  CHECK(format_value(Value{true}) == "true");
  CHECK(format_value(Value{std::vector<double>{1.5, 2}}) == "1.5,2.0");
  CHECK(format_value(Value{std::vector<std::string>{}}) == "");
}

#include "trit/config/json_file.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "trit/core/error.h"

using namespace trit;
using namespace trit::config;
using Catch::Contains;

TEST_CASE("json parse errors name the source, line and column") {
  CHECK_THROWS_WITH(parse_json_text("{\n  \"a\": 1,\n  \"b\": tru\n}", "run.json"),
                    Contains("run.json:3:11: invalid JSON: ") && !Contains("json.exception"));
  CHECK_THROWS_WITH(parse_json_text("{\"a\": 1", "x.json"), Contains("x.json:1:8: invalid JSON"));
}

TEST_CASE("json files may hold comments; repeated keys are errors") {
  auto j = parse_json_text("{\n // lr for the small model\n \"lr\": 0.1 /* peak */\n}", "c.json");
  CHECK(j["lr"] == 0.1);
  CHECK_THROWS_WITH(parse_json_text("{\"a\": {\"x\": 1, \"x\": 2}}", "c.json"),
                    "c.json: key 'x' appears twice in the same object");
  // The same name in different objects is fine.
  CHECK_NOTHROW(parse_json_text("{\"a\": {\"x\": 1}, \"b\": {\"x\": 2}, \"x\": 3}", "c.json"));
}

TEST_CASE("load_json_file reads a file and names it in errors") {
  auto dir = std::filesystem::temp_directory_path() / ("trit_json_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "ok.json") << "{\"model\": {\"n_layers\": 4}}"; }
  { std::ofstream(dir / "bad.json") << "{\"model\": [1, 2,]}"; }
  CHECK(load_json_file(dir / "ok.json")["model"]["n_layers"] == 4);
  CHECK_THROWS_WITH(load_json_file(dir / "bad.json"), Contains("bad.json:1:17: invalid JSON"));
  CHECK_THROWS_WITH(load_json_file(dir / "missing.json"), Contains("missing.json: no such file"));
  CHECK_THROWS_WITH(load_json_file(dir), Contains("is a folder"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("position_of counts lines and columns from 1") {
  CHECK(position_of("ab\ncd", 0).line == 1);
  CHECK(position_of("ab\ncd", 4).line == 2);
  CHECK(position_of("ab\ncd", 4).column == 2);
}

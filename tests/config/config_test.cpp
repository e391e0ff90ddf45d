#include "trit/config/config.h"

#include <catch2/catch.hpp>

#include "trit/core/error.h"

using namespace trit;
using namespace trit::config;
using Catch::Contains;

namespace {
Schema small_schema() {
  Schema s;
  s.add_int("data.seq_len", 256, "tokens per sequence").range(1, 1 << 20);
  s.add_float("optim.lr", 0.001, "learning rate");
  s.add_bool("eval.enabled", true, "run evaluation");
  s.add_string_list("data.files", {}, "inputs");
  s.add_float_list("optim.betas", {0.9, 0.95}, "AdamW betas").range(0, 1);
  return s;
}
}  // namespace

TEST_CASE("config getters check the key and its type") {
  Config c = small_schema().defaults();
  CHECK_THROWS_WITH(c.get_int("optim.lr"), "config: key 'optim.lr' is a float, not an integer");
  CHECK_THROWS_WITH(c.get_float("data.seq_len"), Contains("is an integer, not a float"));
  CHECK_THROWS_WITH(c.get_int("data.seqlen"), Contains("unknown key 'data.seqlen'; did you mean 'data.seq_len'?"));
  CHECK(c.get_float_list("optim.betas") == std::vector<double>{0.9, 0.95});
  CHECK(c.get_string_list("data.files").empty());
}

TEST_CASE("config set checks the value") {
  Config c = small_schema().defaults();
  c.set("data.seq_len", int64_t{512});
  CHECK(c.get_int("data.seq_len") == 512);
  CHECK(c.source("data.seq_len") == Source::command_line);
  CHECK_THROWS_WITH(c.set("data.seq_len", int64_t{0}), "key 'data.seq_len' must be >= 1, got 0");
  CHECK_THROWS_WITH(c.set("data.seq_len", 3.0), Contains("expects an integer"));
}

TEST_CASE("override forms: --key=value, key=value, --key value, bare bool flag") {
  auto o = parse_overrides({"--a=1", "b=x=y", "--c", "-3", "--flag", "--d="});
  REQUIRE(o.size() == 5);
  CHECK((o[0].key == "a" && o[0].value == "1"));
  CHECK((o[1].key == "b" && o[1].value == "x=y"));
  CHECK((o[2].key == "c" && o[2].value == "-3" && o[2].arg == "--c -3"));
  CHECK((o[3].key == "flag" && !o[3].has_value));
  CHECK((o[4].key == "d" && o[4].value.empty() && o[4].has_value));
  CHECK_THROWS_WITH(parse_overrides({"--=3"}), Contains("empty key"));

  Config c = small_schema().defaults();
  c.apply_overrides({"--eval.enabled=no", "--data.files", "a.h5,b.h5", "--optim.betas=0.8, 0.99"});
  CHECK(c.get_bool("eval.enabled") == false);
  CHECK(c.get_string_list("data.files") == std::vector<std::string>{"a.h5", "b.h5"});
  CHECK(c.get_float_list("optim.betas") == std::vector<double>{0.8, 0.99});
  c.apply_overrides({"--eval.enabled"});
  CHECK(c.get_bool("eval.enabled") == true);
  c.apply_overrides({"--data.files="});
  CHECK(c.get_string_list("data.files").empty());
}

TEST_CASE("config table is aligned and shows where each value came from") {
  Config c = small_schema().resolve({{"optim", {{"lr", 0.01}}}}, {"--data.seq_len=128"});
  CHECK(c.to_table() ==
        "key           value     source\n"
        "data.seq_len  128       command line\n"
        "optim.lr      0.01      file\n"
        "eval.enabled  true      default\n"
        "data.files    \"\"        default\n"
        "optim.betas   0.9,0.95  default\n");
}

TEST_CASE("config JSON keeps floats as floats and integers as integers") {
  Schema s;
  s.add_float("x", 1.0, "");
  s.add_int("n", 3, "");
  std::string text = s.defaults().to_json().dump();
  CHECK(text == "{\"n\":3,\"x\":1.0}");
  Config back = s.resolve(nlohmann::json::parse(text), {});
  CHECK(back.get_float("x") == 1.0);
  // An integer written as a float in a file is accepted for an int key; 2.5 is not.
  CHECK(s.resolve({{"n", 1e3}}, {}).get_int("n") == 1000);
  CHECK_THROWS_WITH(s.resolve({{"n", 2.5}}, {}, "f"), Contains("expects an integer, got number 2.5"));
  CHECK(s.resolve({{"x", 2}}, {}).get_float("x") == 2.0);
}

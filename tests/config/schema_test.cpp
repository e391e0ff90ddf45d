#include "trit/config/schema.h"

#include <catch2/catch.hpp>

#include "trit/config/config.h"
#include "trit/core/error.h"

using namespace trit;
using namespace trit::config;
using Catch::Contains;

namespace {
Schema trainer_like_schema() {
  Schema s;
  s.add_int("train.batch_size", 16, "sequences per step").min(1);
  s.add_int("train.steps", 1000, "optimizer steps").min(1);
  s.add_float("optim.lr", 6e-4, "peak learning rate").min(0);
  s.add_float("optim.beta2", 0.95, "AdamW beta2").range(0, 1);
  s.add_bool("train.bf16", false, "autocast to bfloat16");
  s.add_string("run.name", "", "run folder name");
  s.add_enum("model.family", "bitnet", {"bitnet", "transformer", "trix", "byte_spectral"}, "model family");
  s.add_int("model.n_layers", 12, "transformer blocks").min(1);
  s.add_int_list("model.window", {64, 128}, "window sizes").min(1);
  return s;
}
}  // namespace

TEST_CASE("schema defaults fill every key") {
  Config c = trainer_like_schema().defaults();
  CHECK(c.get_int("train.batch_size") == 16);
  CHECK(c.get_float("optim.lr") == 6e-4);
  CHECK(c.get_bool("train.bf16") == false);
  CHECK(c.get_string("run.name").empty());
  CHECK(c.get_string("model.family") == "bitnet");
  CHECK(c.get_int_list("model.window") == std::vector<int64_t>{64, 128});
  CHECK(c.source("train.steps") == Source::default_value);
}

TEST_CASE("schema rejects bad declarations") {
  Schema s;
  s.add_int("model.n_layers", 4, "");
  CHECK_THROWS_WITH(s.add_int("model.n_layers", 4, ""), Contains("declared twice"));
  CHECK_THROWS_WITH(s.add_int("model", 4, ""), Contains("already a section"));
  CHECK_THROWS_WITH(s.add_int("model.n_layers.x", 4, ""), Contains("would make the key 'model.n_layers' a section"));
  CHECK_THROWS_WITH(s.add_int("Model.X", 4, ""), Contains("bad key name"));
  CHECK_THROWS_WITH(s.add_int("a..b", 4, ""), Contains("bad key name"));
  CHECK_THROWS_WITH(s.add_int("train.batch_size", 0, "").min(1), Contains("must be >= 1, got 0"));
  CHECK_THROWS_WITH(s.add_string("name", "x", "").min(1), Contains("only numbers have ranges"));
  CHECK_THROWS_WITH(s.add_enum("fam", "gpt", {"bitnet", "trix"}, ""), Contains("no choice 'gpt'"));
  CHECK_THROWS_WITH(s.add_enum("fam2", "a", {"a", "a"}, ""), Contains("twice"));
  CHECK_THROWS_WITH(s.add_float("x", 0.5, "").max(0.6).min(0.7), Contains("min 0.7 > max 0.6"));
}

TEST_CASE("schema help table lists type, default, help and constraints aligned") {
  std::string table = trainer_like_schema().help_table();
  CHECK(table.find("key               type      default  description\n") == 0);
  CHECK(table.find("train.batch_size  int       16       sequences per step (in [1, inf))\n") != std::string::npos);
  CHECK(table.find("optim.beta2       float     0.95     AdamW beta2 (in [0.0, 1.0])\n") != std::string::npos);
  CHECK(table.find("run.name          string    \"\"       run folder name\n") != std::string::npos);
  CHECK(table.find("model family (one of: bitnet, transformer, trix, byte_spectral)") != std::string::npos);
  CHECK(table.find("model.window      int list  64,128   window sizes (in [1, inf))\n") != std::string::npos);
}

TEST_CASE("resolve: defaults < file < command line") {
  Schema s = trainer_like_schema();
  nlohmann::json file = {{"train", {{"batch_size", 32}, {"steps", 50}}}, {"optim.lr", 1e-3}};
  Config c = s.resolve(file, {"--train.steps=70", "--optim.lr", "0.002"}, "run.json");
  CHECK(c.get_int("train.batch_size") == 32);
  CHECK(c.source("train.batch_size") == Source::file);
  CHECK(c.get_int("train.steps") == 70);
  CHECK(c.source("train.steps") == Source::command_line);
  CHECK(c.get_float("optim.lr") == 0.002);
  CHECK(c.get_int("model.n_layers") == 12);
  CHECK(c.source("model.n_layers") == Source::default_value);
}

TEST_CASE("resolve: later overrides win over earlier ones") {
  Config c = trainer_like_schema().resolve(nullptr, {"--train.steps=5", "train.steps=6"});
  CHECK(c.get_int("train.steps") == 6);
}

TEST_CASE("resolve: type errors name the argument, key and expected type") {
  Schema s = trainer_like_schema();
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--optim.lr=abc"}),
                    "--optim.lr=abc: key 'optim.lr' expects a float, got 'abc'");
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--train.batch_size=1.5"}),
                    Contains("key 'train.batch_size' expects an integer, got '1.5'"));
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--train.bf16=maybe"}), Contains("expects a bool"));
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--optim.lr=nan"}), Contains("expects a finite float"));
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--model.window=8,x"}), Contains("expects an integer, got 'x'"));
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--train.steps"}),
                    Contains("key 'train.steps' expects an integer: write --train.steps=VALUE"));
  nlohmann::json file = {{"train", {{"batch_size", "16"}}}};
  CHECK_THROWS_WITH(s.resolve(file, {}, "run.json"),
                    "run.json: key 'train.batch_size' expects an integer, got string \"16\"");
}

TEST_CASE("resolve: ranges are checked for file and command line values") {
  Schema s = trainer_like_schema();
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--train.batch_size=0"}),
                    "--train.batch_size=0: key 'train.batch_size' must be >= 1, got 0");
  CHECK_THROWS_WITH(s.resolve({{"optim", {{"beta2", 1.5}}}}, {}, "f.json"),
                    Contains("f.json: key 'optim.beta2' must be <= 1.0, got 1.5"));
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--model.window=8,0"}),
                    Contains("element 1 of key 'model.window' must be >= 1, got 0"));
  CHECK(s.resolve(nullptr, {"--optim.beta2=1"}).get_float("optim.beta2") == 1.0);
}

TEST_CASE("resolve: unknown keys list the valid keys and suggest the nearest") {
  Schema s = trainer_like_schema();
  try {
    s.resolve(nullptr, {"--train.batchsize=4"});
    FAIL("expected an error");
  } catch (const Error& e) {
    std::string msg = e.what();
    CHECK(msg.find("--train.batchsize=4: unknown key 'train.batchsize'; did you mean 'train.batch_size'?") == 0);
    CHECK(msg.find("valid keys: train.batch_size, train.steps, optim.lr, optim.beta2, train.bf16, "
                   "run.name, model.family, model.n_layers, model.window") != std::string::npos);
  }
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--batch_size=4"}), Contains("did you mean 'train.batch_size'?"));
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--train.lr=4"}), Contains("did you mean 'optim.lr'?"));
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--zzzzzzzz=4"}), !Contains("did you mean"));
  CHECK_THROWS_WITH(s.resolve({{"model", {{"n_layer", 4}}}}, {}, "m.json"),
                    Contains("m.json: unknown key 'model.n_layer'; did you mean 'model.n_layers'?"));
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--model=4"}),
                    Contains("'model' is a section, not a key; its keys: model.family, model.n_layers, model.window"));
  CHECK_THROWS_WITH(s.resolve({{"model", 4}}, {}, "m.json"), Contains("m.json: 'model' is a section"));
  CHECK_THROWS_WITH(s.resolve(nullptr, {"oops"}), Contains("argument 'oops' is not an override"));
}

TEST_CASE("resolve: enum values are checked against the choices") {
  Schema s = trainer_like_schema();
  CHECK(s.resolve(nullptr, {"--model.family=trix"}).get_string("model.family") == "trix");
  CHECK_THROWS_WITH(s.resolve(nullptr, {"--model.family=transfomer"}),
                    "--model.family=transfomer: key 'model.family' has no choice 'transfomer'; did "
                    "you mean 'transformer'? (choices: bitnet, transformer, trix, byte_spectral)");
  CHECK_THROWS_WITH(s.resolve({{"model", {{"family", "gpt"}}}}, {}, "f.json"),
                    Contains("(choices: bitnet, transformer, trix, byte_spectral)"));
}

TEST_CASE("resolve: a key given twice in one file (nested and dotted) is an error") {
  nlohmann::json file = {{"train", {{"steps", 5}}}, {"train.steps", 6}};
  CHECK_THROWS_WITH(trainer_like_schema().resolve(file, {}, "f.json"),
                    Contains("f.json: key 'train.steps' is given twice"));
  CHECK_THROWS_WITH(trainer_like_schema().resolve(nlohmann::json::array(), {}, "f.json"),
                    Contains("f.json: expected a JSON object"));
}

TEST_CASE("resolved config round-trips through its JSON") {
  Schema s = trainer_like_schema();
  Config c = s.resolve({{"run", {{"name", "a \"b\""}}}},
                       {"--optim.lr=0.1", "--train.bf16", "--model.window=[3, 5]", "--model.family=trix"});
  nlohmann::json j = c.to_json();
  CHECK(j["optim"]["lr"] == 0.1);
  CHECK(j["train"]["bf16"] == true);
  CHECK(j["model"]["window"] == nlohmann::json::array({3, 5}));
  CHECK(j["train"]["batch_size"] == 16);  // defaults are written too
  // Through text, as config.json would be written and read back.
  Config back = s.resolve(nlohmann::json::parse(j.dump(2)), {}, "config.json");
  for (const KeySpec& k : s.keys()) CHECK(back.get(k.name()) == c.get(k.name()));
  CHECK(back.to_json() == j);
}

TEST_CASE("schema snapshot: configs do not change when the schema grows") {
  Schema s;
  s.add_int("a", 1, "");
  Config c = s.defaults();
  s.add_int("b", 2, "");
  CHECK_FALSE(c.has("b"));
  CHECK(s.defaults().has("b"));
}

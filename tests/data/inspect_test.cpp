#include <catch2/catch.hpp>

#include <fstream>
#include <random>

#include "trit/data/inspect.h"
#include "trit/data/prepare.h"

using namespace trit::data;
using Catch::Contains;
namespace fs = std::filesystem;

TEST_CASE("inspect summarises tokenizer, splits, sources and a sample") {
  fs::path dir = fs::temp_directory_path() / std::to_string(std::random_device{}()).insert(0, "trit_inspect_");
  fs::create_directories(dir);
  std::string text;
  for (int i = 0; i < 200; ++i) text += "the cat sat on the mat. ";
  std::ofstream(dir / "cats.txt") << text;
  prepare_dataset({.inputs = {(dir / "cats.txt").string()}, .output = dir / "c.h5",
                   .tokenizer = "bpe:280"});
  std::string s = describe_dataset(DatasetFile(dir / "c.h5"), 10);
  fs::remove_all(dir);
  CHECK_THAT(s, Contains("bpe:269 (12 merges"));  // training ran out of repeated pairs
  CHECK_THAT(s, Contains("<|endoftext|> = 268"));
  CHECK_THAT(s, Contains("4,320 bytes"));  // train: floor(4800 * 0.9)
  CHECK_THAT(s, Contains("cats.txt  4,800 bytes  sha256 "));
  CHECK_THAT(s, Contains("\"the cat sat"));
}

TEST_CASE("escape_bytes and with_commas") {
  CHECK(escape_bytes("a\nb\t\"\\") == "a\\nb\\t\\\"\\\\");
  CHECK(escape_bytes(std::string("\0\xff", 2)) == "\\x00\\xff");
  CHECK(escape_bytes("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(escape_bytes("caf\xc3\xa9", false) == "caf\\xc3\\xa9");
  CHECK(with_commas(0) == "0");
  CHECK(with_commas(999) == "999");
  CHECK(with_commas(1234567) == "1,234,567");
  CHECK(with_commas(-1000) == "-1,000");
}

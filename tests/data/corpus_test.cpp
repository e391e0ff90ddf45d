#include <catch2/catch.hpp>

#include "support/temp_dir.h"

#include <fstream>
#include <random>

#include "trit/core/error.h"
#include "trit/data/corpus.h"

using namespace trit::data;
namespace fs = std::filesystem;

namespace {

using trit::test::TempDir;

}  // namespace

TEST_CASE("input listing walks folders in sorted order and skips hidden names") {
  TempDir d;
  d.write("corpus/b.txt", "bb");
  d.write("corpus/a/z.txt", "zzz");
  d.write("corpus/a/y.txt", "");
  d.write("corpus/.hidden", "h");
  d.write("corpus/.git/config", "g");
  auto single = d.write("single.txt", "s");
  auto files = list_input_files({single.string(), (d.path() / "corpus").string(), single.string()});
  REQUIRE(files.size() == 4);
  CHECK(files[0].path == single);
  CHECK(files[1].path.filename() == "y.txt");
  CHECK(files[2].path.filename() == "z.txt");
  CHECK(files[2].n_bytes == 3);
  CHECK(files[3].path.filename() == "b.txt");
}

TEST_CASE("input listing names what is missing") {
  TempDir d;
  CHECK_THROWS_WITH(list_input_files({(d.path() / "nope.txt").string()}),
                    Catch::Contains("nope.txt") && Catch::Contains("no such"));
  fs::create_directories(d.path() / "empty");
  CHECK_THROWS_WITH(list_input_files({(d.path() / "empty").string()}), Catch::Contains("no input files"));
  CHECK_THROWS_AS(list_input_files({}), trit::Error);
}

TEST_CASE("block reader returns the file in blocks") {
  TempDir d;
  std::string text(2500, 'x');
  text[2499] = 'y';
  auto p = d.write("f.bin", text);
  BlockReader r(p, 1000);
  std::string got;
  for (auto b = r.next(); !b.empty(); b = r.next()) got += b;
  CHECK(got == text);
  CHECK_THROWS_WITH(BlockReader(d.path() / "missing"), Catch::Contains("missing"));
}

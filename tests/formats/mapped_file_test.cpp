// Memory maps: contents, empty files, moves, and errors naming the file.
#include "trit/formats/mapped_file.h"

#include "format_test_util.h"

using namespace trit::formats;
using trit::test::TempDir;

TEST_CASE("mapped file: maps the whole file and survives moves") {
  TempDir dir;
  std::ofstream(dir / "a.bin") << "hello";
  MappedFile m(dir / "a.bin");
  REQUIRE(m.size() == 5);
  CHECK(m.bytes()[4] == std::byte{'o'});
  MappedFile moved(std::move(m));
  CHECK(moved.size() == 5);
  CHECK(m.size() == 0);
  CHECK(moved.path() == dir / "a.bin");
  std::ofstream(dir / "b.bin") << "xy";
  moved = MappedFile(dir / "b.bin");
  CHECK(moved.size() == 2);
}

TEST_CASE("mapped file: empty files map to an empty span; missing files and folders are errors") {
  TempDir dir;
  std::ofstream(dir / "empty.bin").close();
  CHECK(MappedFile(dir / "empty.bin").bytes().empty());
  REQUIRE_TRIT_ERROR(MappedFile(dir / "missing.bin"), "missing.bin", "cannot open for reading");
  REQUIRE_TRIT_ERROR(MappedFile(dir.path()), "not a regular file");
}

// Atomic file writes: nothing visible until commit, old content kept on failure.
#include "trit/formats/atomic_file.h"

#include "format_test_util.h"

using namespace trit::formats;
using trit::test::TempDir;

TEST_CASE("atomic file: content appears only at commit, under the target name") {
  TempDir dir;
  {
    AtomicFileWriter w(dir / "out.bin");
    w.write(std::string_view("abc"));
    w.write_zeros(300);
    CHECK(w.position() == 303);
    CHECK(!std::filesystem::exists(dir / "out.bin"));
    CHECK(dir.entries().size() == 1);  // only the temporary
    w.commit();
    REQUIRE_TRIT_ERROR(w.write(std::string_view("x")), "out.bin", "after commit");
  }
  const auto bytes = trit::test::read_bytes(dir / "out.bin");
  REQUIRE(bytes.size() == 303);
  CHECK(bytes[0] == std::byte{'a'});
  CHECK(bytes[302] == std::byte{0});
  CHECK(dir.entries() == std::vector<std::string>{"out.bin"});
}

TEST_CASE("atomic file: an abandoned write removes its temporary and keeps the old file") {
  TempDir dir;
  std::ofstream(dir / "keep.txt") << "old";
  try {
    AtomicFileWriter w(dir / "keep.txt");
    w.write(std::string_view("new content"));
    throw std::runtime_error("interrupted");
  } catch (const std::runtime_error&) {
  }
  CHECK(dir.entries() == std::vector<std::string>{"keep.txt"});
  std::ifstream in(dir / "keep.txt");
  std::string s;
  in >> s;
  CHECK(s == "old");
}

TEST_CASE("atomic file: errors name the target") {
  TempDir dir;
  REQUIRE_TRIT_ERROR(AtomicFileWriter(dir / "no" / "such" / "dir.bin"), "dir.bin", "cannot create");
  TempPath t(dir / "x.h5");
  REQUIRE_TRIT_ERROR(t.commit(), "x.h5");  // nothing was written at the temporary path
}

#include "trit/telemetry/tensorboard_writer.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "support/temp_dir.h"
#include "trit/core/error.h"

using namespace trit;
using namespace trit::telemetry;

TEST_CASE("tensorboard writer: file name, header event, scalars") {
  test::TempDir dir("tb_basic");
  TensorBoardOptions opt;
  opt.wall_clock = [] { return 1763700000.75; };
  std::filesystem::path path;
  {
    TensorBoardWriter w(dir.path(), opt);
    path = w.path();
    w.add_scalar("train/loss", 10, 2.5, 1763700001.5);
    w.add_record(MetricsRecord(20, 1763700002.0, "val").add("loss", 1.95).add_int("tokens", 64));
  }
  std::string name = path.filename().string();
  CHECK(name.rfind("events.out.tfevents.1763700000.", 0) == 0);
  CHECK(list_events_files(dir.path()) == std::vector<std::filesystem::path>{path});

  auto events = read_events_file(path);
  REQUIRE(events.size() == 4);
  CHECK(events[0].file_version == std::optional<std::string>("brain.Event:2"));
  CHECK(events[0].wall_time == 1763700000.75);
  CHECK_FALSE(events[0].summary);
  // A new run's session start, at step 0.
  REQUIRE(events[1].session_log);
  CHECK(events[1].session_log->status == SessionStatus::start);
  CHECK(events[1].session_log->msg == "started");
  CHECK(events[1].step == 0);
  CHECK(events[2].step == 10);
  CHECK(events[2].wall_time == 1763700001.5);
  REQUIRE(events[2].summary->size() == 1);
  CHECK((*events[2].summary)[0].tag == "train/loss");
  CHECK((*events[2].summary)[0].value == 2.5f);
  REQUIRE(events[3].summary->size() == 2);
  CHECK((*events[3].summary)[0].tag == "val/loss");
  CHECK((*events[3].summary)[0].value == 1.95f);
  CHECK((*events[3].summary)[1].tag == "val/tokens");
  CHECK((*events[3].summary)[1].value == 64.0f);
}

TEST_CASE("tensorboard writer: resume writes a START marker in a later-sorting file") {
  test::TempDir dir("tb_resume");
  TensorBoardOptions first;
  first.wall_clock = [] { return 2000000000.0; };
  { TensorBoardWriter(dir.path(), first).add_scalar("x", 5, 1.0, 2000000000.0); }
  TensorBoardOptions second;
  second.wall_clock = [] { return 1999999990.0; };  // clock went backwards
  second.restart_step = 3;
  std::filesystem::path resumed;
  {
    TensorBoardWriter w(dir.path(), second);
    resumed = w.path();
    w.add_scalar("x", 3, 2.0, 2000000001.0);
  }
  auto files = list_events_files(dir.path());
  REQUIRE(files.size() == 2);
  CHECK(files[1] == resumed);  // sorts after the first file despite the earlier clock
  auto events = read_events_file(resumed);
  REQUIRE(events.size() == 3);
  REQUIRE(events[1].session_log);
  CHECK(events[1].session_log->status == SessionStatus::start);
  CHECK(events[1].session_log->msg == "resumed");
  CHECK(events[1].step == 3);
  CHECK(events[2].step == 3);
}

TEST_CASE("tensorboard writer flushes every N events and after a time") {
  test::TempDir dir("tb_flush");
  double now = 0;
  TensorBoardOptions opt;
  opt.flush_every_events = 3;
  opt.flush_every_seconds = 5;
  opt.monotonic_clock = [&] { return now; };
  TensorBoardWriter w(dir.path(), opt);
  // Events on disk beyond the two written at once (file version, session start).
  auto on_disk = [&] { return read_events_file(w.path()).size() - 2; };
  CHECK(on_disk() == 0);
  w.add_scalar("a", 1, 1, 1);
  w.add_scalar("a", 2, 1, 1);
  CHECK(on_disk() == 0);
  CHECK(w.n_buffered() == 2);
  w.add_scalar("a", 3, 1, 1);
  CHECK(on_disk() == 3);
  w.add_scalar("a", 4, 1, 1);
  CHECK(on_disk() == 3);
  now = 6;
  w.add_scalar("a", 5, 1, 1);
  CHECK(on_disk() == 5);
  w.add_scalar("a", 6, 1, 1);
  w.flush();
  CHECK(on_disk() == 6);
  w.add_scalar("a", 7, 1, 1);
  w.close();
  CHECK(on_disk() == 7);
  CHECK_THROWS_WITH(w.add_scalar("a", 8, 1, 1), Catch::Contains("closed"));
}

TEST_CASE("events file reader reports corruption with the file name") {
  test::TempDir dir("tb_corrupt");
  std::filesystem::path path;
  {
    TensorBoardWriter w(dir.path());
    path = w.path();
    w.add_scalar("a", 1, 1, 1);
  }
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(-6, std::ios::end);
  f.put('\x55');
  f.close();
  CHECK_THROWS_WITH(read_events_file(path), Catch::Contains(path.filename().string()) &&
                                                Catch::Contains("CRC mismatch"));
}

#include "trit/telemetry/run_metrics.h"

#include <catch2/catch.hpp>

#include "support/temp_dir.h"
#include "trit/telemetry/metrics_reader.h"

using namespace trit;
using namespace trit::telemetry;

TEST_CASE("run metrics write each record to metrics.jsonl and TensorBoard") {
  test::TempDir dir("run_metrics");
  {
    RunMetrics m(dir.path());
    for (int s = 1; s <= 4; ++s) m.write(MetricsRecord(s, 1000.0 + s, "train").add("loss", 5.0 - s));
  }
  {
    RunMetricsOptions o;
    o.restart_step = 3;  // resumed after step 2
    RunMetrics m(dir.path(), o);
    m.write(MetricsRecord(3, 2003.0, "train").add("loss", 0.5));
    m.close();
    CHECK(m.metrics_path() == dir.path() / "metrics.jsonl");
  }
  MetricsLog log = read_metrics(dir.path() / "metrics.jsonl");
  REQUIRE(log.records.size() == 3);
  CHECK(log.n_orphaned == 2);
  CHECK(log.records[2].time() == 2003.0);

  auto files = list_events_files(dir.path());
  REQUIRE(files.size() == 2);
  auto first = read_events_file(files[0]);
  REQUIRE(first.size() == 6);
  CHECK(first[1].session_log->msg == "started");
  CHECK((*first[5].summary)[0].tag == "train/loss");
  CHECK((*first[5].summary)[0].value == 1.0f);
  auto second = read_events_file(files[1]);
  REQUIRE(second.size() == 3);
  CHECK(second[1].session_log->status == SessionStatus::start);
  CHECK(second[1].step == 3);
  CHECK(second[2].wall_time == 2003.0);
}

TEST_CASE("run metrics without TensorBoard write metrics.jsonl only") {
  test::TempDir dir("run_metrics_jsonl_only");
  RunMetricsOptions o;
  o.tensorboard = false;
  RunMetrics m(dir.path(), o);
  m.write(MetricsRecord(1, 1.0, "val").add("loss", 2.0));
  m.flush();
  CHECK(m.events_path().empty());
  CHECK(list_events_files(dir.path()).empty());
  CHECK(read_metrics(m.metrics_path()).records.size() == 1);
}

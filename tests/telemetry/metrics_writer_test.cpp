#include "trit/telemetry/metrics_writer.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "support/temp_dir.h"
#include "trit/core/error.h"

using namespace trit;
using namespace trit::telemetry;

namespace {
std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("metrics line has step, time, split first and keys in given order") {
  MetricsRecord r(120, 1763700000.5, "train");
  r.add("loss", 2.31).add("lr", 6e-4).add("grad_norm", 0.91).add_int("tokens", 491520);
  r.add("tokens_per_s", 10450.2).add("step_ms", 47.0);
  CHECK(r.to_json_line() ==
        "{\"step\":120,\"time\":1763700000.5,\"split\":\"train\",\"loss\":2.31,\"lr\":6e-04,"
        "\"grad_norm\":0.91,\"tokens\":491520,\"tokens_per_s\":10450.2,\"step_ms\":47.0}\n");
}

TEST_CASE("metrics floats round-trip exactly through their text") {
  for (double v : {0.1, 1.0 / 3.0, 6e-4, 1e-300, -2.5e17, 123456789.123456789,
                   std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max()}) {
    std::string s = format_json_number(v);
    CHECK(std::strtod(s.c_str(), nullptr) == v);
  }
  CHECK(format_json_number(0.1) == "0.1");
}

TEST_CASE("metrics non-finite values use NaN and Infinity tokens") {
  MetricsRecord r(3, 10.0, "train");
  r.add("loss", std::nan("")).add("a", std::numeric_limits<double>::infinity());
  r.add("b", -std::numeric_limits<double>::infinity());
  CHECK(r.to_json_line() ==
        "{\"step\":3,\"time\":10.0,\"split\":\"train\",\"loss\":NaN,\"a\":Infinity,\"b\":-Infinity}\n");
}

TEST_CASE("metrics keys are escaped, reserved and duplicate keys rejected") {
  MetricsRecord r(1, 0.5, "va\"l");
  r.add("a\\b\n", 1.0);
  CHECK(r.to_json_line() == "{\"step\":1,\"time\":0.5,\"split\":\"va\\\"l\",\"a\\\\b\\n\":1.0}\n");
  CHECK_THROWS_WITH(r.add("a\\b\n", 2.0), Catch::Contains("added twice"));
  CHECK_THROWS_WITH(r.add("step", 2.0), Catch::Contains("reserved"));
  CHECK_THROWS_WITH(r.add_int("", 2), Catch::Contains("empty key"));
  CHECK_THROWS_AS(MetricsRecord(1, 0, ""), Error);
}

TEST_CASE("metrics writer appends lines and keeps appending on resume") {
  test::TempDir dir("metrics_append");
  auto run = dir.path() / "run";  // created by the writer
  {
    MetricsWriter w(run);
    w.write(MetricsRecord(1, 1.0, "train").add("loss", 3.0));
    // Every line is in the file as soon as write returns.
    CHECK(read_all(run / "metrics.jsonl") == "{\"step\":1,\"time\":1.0,\"split\":\"train\",\"loss\":3.0}\n");
    w.write(MetricsRecord(2, 2.0, "train").add("loss", 2.5));
  }
  MetricsWriter w2(run);
  CHECK(w2.torn_bytes_dropped() == 0);
  w2.write(MetricsRecord(2, 3.0, "val").add("loss", 2.7));
  CHECK(read_all(run / "metrics.jsonl") ==
        "{\"step\":1,\"time\":1.0,\"split\":\"train\",\"loss\":3.0}\n"
        "{\"step\":2,\"time\":2.0,\"split\":\"train\",\"loss\":2.5}\n"
        "{\"step\":2,\"time\":3.0,\"split\":\"val\",\"loss\":2.7}\n");
}

TEST_CASE("metrics writer cuts a torn last line left by a crash before appending") {
  test::TempDir dir("metrics_torn");
  {
    std::ofstream out(dir.path() / "metrics.jsonl", std::ios::binary);
    out << "{\"step\":1,\"time\":1.0,\"split\":\"train\"}\n{\"step\":2,\"ti";
  }
  MetricsWriter w(dir.path());
  CHECK(w.torn_bytes_dropped() == 13);
  w.write(MetricsRecord(2, 5.0, "train"));
  CHECK(read_all(dir.path() / "metrics.jsonl") ==
        "{\"step\":1,\"time\":1.0,\"split\":\"train\"}\n{\"step\":2,\"time\":5.0,\"split\":\"train\"}\n");
}

TEST_CASE("metrics writer: a file that is one torn line is emptied") {
  test::TempDir dir("metrics_torn_only");
  { std::ofstream(dir.path() / "metrics.jsonl", std::ios::binary) << "{\"st"; }
  MetricsWriter w(dir.path());
  CHECK(w.torn_bytes_dropped() == 4);
  CHECK(read_all(dir.path() / "metrics.jsonl").empty());
}

TEST_CASE("metrics writer names the path when the run folder cannot be made") {
  test::TempDir dir("metrics_bad");
  { std::ofstream(dir.path() / "file") << "x"; }
  CHECK_THROWS_WITH(MetricsWriter(dir.path() / "file" / "run"), Catch::Contains("file/run"));
}

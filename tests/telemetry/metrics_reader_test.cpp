#include "trit/telemetry/metrics_reader.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "support/temp_dir.h"
#include "trit/core/error.h"

using namespace trit;
using namespace trit::telemetry;
using Catch::Contains;

namespace {
double field(const MetricsRecord& r, std::string_view key) {
  for (const auto& f : r.fields())
    if (f.key == key) return std::visit([](auto v) { return static_cast<double>(v); }, f.value);
  FAIL("no field " << key);
  return 0;
}
}  // namespace

TEST_CASE("metrics reader reads back what the writer wrote, exactly") {
  MetricsRecord r(120, 1763700000.5, "tr\"ain");
  r.add("loss", 0.1 + 0.2).add("lr", 6e-4).add_int("tokens", 491520);
  r.add("nan", std::nan("")).add("inf", std::numeric_limits<double>::infinity());
  r.add("ninf", -std::numeric_limits<double>::infinity()).add("big", 1e300);
  std::string line = r.to_json_line();
  MetricsRecord back = parse_metrics_line(line.substr(0, line.size() - 1), "x");
  CHECK(back.step() == 120);
  CHECK(back.time() == 1763700000.5);
  CHECK(back.split() == "tr\"ain");
  CHECK(back.to_json_line() == line);
  CHECK(field(back, "loss") == 0.1 + 0.2);
  CHECK(std::holds_alternative<int64_t>(back.fields()[2].value));
  CHECK(std::isnan(field(back, "nan")));
  CHECK(field(back, "ninf") == -std::numeric_limits<double>::infinity());
}

TEST_CASE("metrics reader accepts other writers' spacing and ignores non-numeric fields") {
  MetricsRecord r = parse_metrics_line(
      R"( { "split" : "val", "step" : 500, "loss": 1.95, "note": "x\u00e9", "ok": true, "n": null } )", "x");
  CHECK(r.step() == 500);
  CHECK(r.time() == 0);
  REQUIRE(r.fields().size() == 1);
  CHECK(field(r, "loss") == 1.95);
}

TEST_CASE("metrics reader errors name the source and column") {
  CHECK_THROWS_WITH(parse_metrics_line("{\"step\":1,\"split\":\"t\",\"a\":}", "m.jsonl:3"),
                    Contains("m.jsonl:3: column 27: expected a number"));
  CHECK_THROWS_WITH(parse_metrics_line("{\"split\":\"t\"}", "m:1"), Contains("m:1: no \"step\""));
  CHECK_THROWS_WITH(parse_metrics_line("{\"step\":1.5,\"split\":\"t\"}", "m:1"), Contains("not an integer"));
  CHECK_THROWS_WITH(parse_metrics_line("{\"step\":1,\"split\":\"t\"} x", "m:1"), Contains("after the closing"));
  CHECK_THROWS_WITH(parse_metrics_line("{\"step\":1,\"split\":\"t\",\"a\":1,\"a\":2}", "m:1"),
                    Contains("m:1: metrics record at step 1: key 'a' added twice"));
  CHECK_THROWS_WITH(parse_metrics_line("{\"step\":1,\"split\":\"t", "m:1"), Contains("unterminated string"));
}

TEST_CASE("metrics log skips a torn last line and rejects a bad middle line") {
  std::string text = "{\"step\":1,\"split\":\"train\"}\n{\"step\":2,\"split\":\"train\"}\n{\"step\":3,\"sp";
  MetricsLog log = parse_metrics_log(text, "m.jsonl");
  CHECK(log.torn_last_line);
  CHECK(log.records.size() == 2);
  CHECK_THROWS_WITH(parse_metrics_log("{\"step\":1,\"split\":\"train\"}\ngarbage\n{\"step\":3,\"split\":\"train\"}\n", "m.jsonl"),
                    Contains("m.jsonl:2: column 1"));
}

TEST_CASE("metrics log drops the orphans of a restart, in every split") {
  test::TempDir dir("metrics_reader_resume");
  {
    MetricsWriter w(dir.path());
    for (int s = 1; s <= 9; ++s) w.write(MetricsRecord(s, s, "train").add("loss", 10.0 - s));
    w.write(MetricsRecord(4, 4.5, "val").add("loss", 7));
    w.write(MetricsRecord(8, 8.5, "val").add("loss", 3));
  }
  {
    MetricsWriter w(dir.path());  // resumed from a checkpoint after step 5
    for (int s = 6; s <= 8; ++s) w.write(MetricsRecord(s, 100 + s, "train").add("loss", 100.0 + s));
    w.write(MetricsRecord(8, 108.5, "val").add("loss", 2));
  }
  MetricsLog log = read_metrics(dir.path() / "metrics.jsonl");
  CHECK(log.n_orphaned == 5);  // train 6..9 and val 8
  CHECK_FALSE(log.torn_last_line);
  std::vector<std::pair<int64_t, std::string>> seen;
  for (const auto& r : log.records) seen.emplace_back(r.step(), r.split());
  std::vector<std::pair<int64_t, std::string>> want = {
      {1, "train"}, {2, "train"}, {3, "train"}, {4, "train"}, {5, "train"}, {4, "val"},
      {6, "train"}, {7, "train"}, {8, "train"}, {8, "val"}};
  CHECK(seen == want);
  CHECK(field(log.records[6], "loss") == 106.0);
  CHECK(field(log.records[9], "loss") == 2.0);
}

TEST_CASE("metrics reader: damaged lines give trit::Error, never a crash") {
  MetricsRecord r(7, 1.5, "train");
  r.add("loss", 2.5).add_int("tokens", 99).add("x", std::nan(""));
  std::string good = r.to_json_line();
  good.pop_back();
  const std::string alphabet = "{}[]\":,.-+eE0123456789NaIfinty\\u ";
  uint32_t state = 777;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  int n_errors = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string bad = good;
    int n_flips = 1 + static_cast<int>(next() % 3);
    for (int k = 0; k < n_flips; ++k) bad[next() % bad.size()] = alphabet[next() % alphabet.size()];
    if (trial % 4 == 0) bad.resize(next() % bad.size());
    try {
      parse_metrics_line(bad, "fuzz");
    } catch (const Error&) {
      ++n_errors;
    }
  }
  CHECK(n_errors > 0);
}

// Following a run's metrics.jsonl: growth, torn last lines, truncation, replacement,
// rewrites in place, resume (steps going back) and the per-run summaries.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstdio>

#include "gui_test_util.h"
#include "model/metrics_follower.h"
#include "model/run.h"

using namespace trit::monitor;
using namespace trit::monitor::testing;

class RunFollowingTest : public QObject {
  Q_OBJECT
 private slots:
  void missing_file_gives_nothing() {
    QTemporaryDir dir;
    MetricsFollower f(dir.filePath("metrics.jsonl").toStdString());
    auto up = f.poll();
    QVERIFY(!up.reset);
    QVERIFY(up.lines.empty());
  }

  void growing_file_and_torn_line() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("metrics.jsonl").toStdString();
    write_file(path, "{\"step\":1}\n{\"step\":2}\n{\"step\":3,\"lo");
    MetricsFollower f(path);
    auto up = f.poll();
    QCOMPARE(up.lines.size(), size_t(2));
    QCOMPARE(up.lines[0], std::string("{\"step\":1}"));
    QCOMPARE(up.lines[1], std::string("{\"step\":2}"));
    QCOMPARE(f.offset(), uint64_t(22));
    // Nothing new: the torn line is still not returned.
    QVERIFY(f.poll().lines.empty());
    // The writer finishes the line and adds another (with a CRLF ending).
    append_file(path, "ss\":1.5}\n{\"step\":4}\r\n");
    up = f.poll();
    QVERIFY(!up.reset);
    QCOMPARE(up.lines.size(), size_t(2));
    QCOMPARE(up.lines[0], std::string("{\"step\":3,\"loss\":1.5}"));
    QCOMPARE(up.lines[1], std::string("{\"step\":4}"));
  }

  void torn_tail_cut_on_resume_is_not_a_reset() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("metrics.jsonl").toStdString();
    write_file(path, "{\"step\":1}\n{\"step\":2}\n{\"step\":3,\"lo");
    MetricsFollower f(path);
    QCOMPARE(f.poll().lines.size(), size_t(2));
    // The trainer crashed mid-line; on resume it cuts the torn bytes, then appends.
    write_file(path, "{\"step\":1}\n{\"step\":2}\n");
    auto up = f.poll();
    QVERIFY(!up.reset);
    QVERIFY(up.lines.empty());
    append_file(path, "{\"step\":3}\n");
    up = f.poll();
    QVERIFY(!up.reset);
    QCOMPARE(up.lines.size(), size_t(1));
    QCOMPARE(up.lines[0], std::string("{\"step\":3}"));
  }

  void truncation_restarts_from_zero() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("metrics.jsonl").toStdString();
    write_file(path, "{\"step\":1}\n{\"step\":2}\n{\"step\":3}\n");
    MetricsFollower f(path);
    QCOMPARE(f.poll().lines.size(), size_t(3));
    write_file(path, "{\"step\":1}\n");  // truncated and rewritten shorter
    auto up = f.poll();
    QVERIFY(up.reset);
    QCOMPARE(up.lines.size(), size_t(1));
  }

  void replacement_by_rename_restarts() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("metrics.jsonl").toStdString();
    const std::string other = dir.filePath("new.jsonl").toStdString();
    write_file(path, "{\"step\":1}\n");
    MetricsFollower f(path);
    QCOMPARE(f.poll().lines.size(), size_t(1));
    // Same first bytes, longer: only the inode tells that it is another file.
    write_file(other, "{\"step\":1}\n{\"step\":2}\n{\"step\":3}\n");
    QCOMPARE(std::rename(other.c_str(), path.c_str()), 0);
    auto up = f.poll();
    QVERIFY(up.reset);
    QCOMPARE(up.lines.size(), size_t(3));
  }

  void rewrite_in_place_that_grew_restarts() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("metrics.jsonl").toStdString();
    write_file(path, "{\"step\":1}\n");
    MetricsFollower f(path);
    QCOMPARE(f.poll().lines.size(), size_t(1));
    write_file(path, "{\"step\":7}\n{\"step\":8}\n");  // same inode, longer, other content
    auto up = f.poll();
    QVERIFY(up.reset);
    QCOMPARE(up.lines.size(), size_t(2));
  }

  void run_reads_series_and_resets_on_truncation() {
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    write_file(d + "/metrics.jsonl", train_line(1, 3.0) + train_line(2, 2.5) + "{\"step\":2,\"split\":\"val\",\"loss\":2.7}\n");
    Run run(d, "r");
    QVERIFY(run.poll());
    QCOMPARE(run.find_series("train/loss")->size(), size_t(2));
    QCOMPARE(run.find_series("val/loss")->size(), size_t(1));
    // The val record has no time: it borrows the last seen one.
    QCOMPARE(run.find_series("val/loss")->times()[0], 1002.0);
    QVERIFY(!run.poll());  // nothing new
    write_file(d + "/metrics.jsonl", train_line(1, 9.0));
    QVERIFY(run.poll());
    QCOMPARE(run.find_series("train/loss")->size(), size_t(1));
    QCOMPARE(run.find_series("train/loss")->values()[0], 9.0);
    QVERIFY(run.find_series("val/loss")->empty());  // emptied, not destroyed: plots may point at it
  }

  void resume_drops_orphaned_points() {
    Run run("/nonexistent", "r");
    for (int s = 1; s <= 10; ++s) run.ingest_line(train_line(s, 10.0 - s));
    run.ingest_line("{\"step\":5,\"split\":\"val\",\"loss\":4.0}");
    run.ingest_line("{\"step\":10,\"split\":\"val\",\"loss\":3.0}");
    run.ingest_line("{\"step\":10,\"split\":\"train\",\"rare\":7}");  // restart at 10 already
    QCOMPARE(run.find_series("train/loss")->size(), size_t(9));  // its step-10 point orphaned
    QCOMPARE(run.find_series("val/loss")->size(), size_t(1));
    run.ingest_line(train_line(10, 1.0));
    QCOMPARE(run.find_series("train/rare")->size(), size_t(0));
    QCOMPARE(run.find_series("train/loss")->size(), size_t(10));
    run.ingest_line("{\"step\":10,\"split\":\"val\",\"loss\":3.0}");
    QCOMPARE(run.find_series("train/loss")->size(), size_t(10));  // val at 10 follows val at 5: no restart

    const uint64_t gen = run.find_series("train/loss")->generation();
    // Resumed from the checkpoint at step 6: steps 6..10 of the first attempt, of every
    // split, are orphans (docs/metrics.md).
    run.ingest_line(train_line(6, 0.5));
    const Series& loss = *run.find_series("train/loss");
    QCOMPARE(loss.size(), size_t(6));
    QCOMPARE(loss.steps().back(), 6.0);
    QCOMPARE(loss.values().back(), 0.5);
    QCOMPARE(loss.steps()[4], 5.0);
    QVERIFY(loss.generation() != gen);
    const Series& val = *run.find_series("val/loss");
    QCOMPARE(val.size(), size_t(1));
    QCOMPARE(val.steps()[0], 5.0);
    // The val split's previous step was lowered: its next evaluation is no restart.
    run.ingest_line("{\"step\":8,\"split\":\"val\",\"loss\":2.0}");
    QCOMPARE(val.size(), size_t(2));
    QCOMPARE(run.find_series("train/loss")->size(), size_t(6));
    QCOMPARE(run.last_step(), 8LL);
    // A repeated step replaces the earlier point.
    run.ingest_line(train_line(6, 0.25));
    QCOMPARE(run.find_series("train/loss")->size(), size_t(6));
    QCOMPARE(run.find_series("train/loss")->values().back(), 0.25);
  }

  void bad_lines_are_counted_not_fatal() {
    Run run("/nonexistent", "r");
    run.ingest_line("garbage");
    run.ingest_line("{\"loss\":1}");
    run.ingest_line(train_line(1, 2.0));
    QCOMPARE(run.bad_lines(), size_t(2));
    QCOMPARE(run.find_series("train/loss")->size(), size_t(1));
  }

  void config_max_steps_eta_and_status() {
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    write_file(d + "/config.json", R"({"model":{"d":64},"train":{"max_steps":100,"lr":NaN}})");
    std::string lines;
    // One step every 0.5 s.
    for (int s = 0; s <= 40; ++s)
      lines += "{\"step\":" + std::to_string(s) + ",\"time\":" + std::to_string(2000.0 + 0.5 * s) + ",\"loss\":1.0,\"tokens_per_s\":50}\n";
    lines += "{\"step\":40,\"split\":\"val\",\"loss\":2.5}\n{\"step\":20,\"split\":\"val\",\"loss\":9}\n";
    lines += "{\"step\":40,\"split\":\"val\",\"loss\":2.0}\n";
    write_file(d + "/metrics.jsonl", lines);
    Run run(d, "r");
    run.poll();
    QVERIFY(run.config_error().empty());
    QCOMPARE(run.max_steps().value_or(-1), 100LL);
    QCOMPARE(run.seconds_per_step().value_or(-1), 0.5);
    QCOMPARE(run.eta_seconds().value_or(-1), 30.0);  // 60 steps left at 0.5 s
    QCOMPARE(run.latest_value("val/loss").value_or(-1), 2.0);
    QCOMPARE(run.best_value("val/loss").value_or(-1), 2.0);
    QCOMPARE(run.latest_value("train/tokens_per_s").value_or(-1), 50.0);
    const double t = run.last_update();
    QCOMPARE(run.status(t + 10, 300), RunStatus::Running);
    QCOMPARE(run.status(t + 301, 300), RunStatus::Stale);
    run.ingest_line("{\"step\":99,\"loss\":1.0}");
    QCOMPARE(run.status(t + 10, 300), RunStatus::Finished);
    QCOMPARE(run.eta_seconds().value_or(-1), 0.0);

    Run marked("/nonexistent", "m");
    QCOMPARE(marked.status(0, 300), RunStatus::Empty);
    marked.ingest_line("{\"step\":5,\"loss\":1.0}");
    marked.ingest_line("{\"step\":5,\"final\":true}");
    QCOMPARE(marked.status(1e12, 300), RunStatus::Finished);
  }

  void max_steps_lookup() {
    using nlohmann::json;
    QCOMPARE(find_max_steps(json::parse(R"({"max_steps":7,"train":{"max_steps":9}})")).value_or(-1), 7LL);
    QCOMPARE(find_max_steps(json::parse(R"({"eval":{"max_steps":3},"train":{"max_steps":9}})")).value_or(-1), 9LL);
    QCOMPARE(find_max_steps(json::parse(R"({"train.max_steps":11})")).value_or(-1), 11LL);
    QCOMPARE(find_max_steps(json::parse(R"({"eval":{"max_steps":3}})")).value_or(-1), 3LL);
    QVERIFY(!find_max_steps(json::parse(R"({"train":{"steps":5}})")).has_value());
  }

  void broken_config_is_reported() {
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    write_file(d + "/config.json", "{\"max_steps\": 10,");
    write_file(d + "/metrics.jsonl", train_line(1, 1.0));
    Run run(d, "r");
    run.poll();
    QVERIFY(run.config_error().find("config.json") != std::string::npos);
    QVERIFY(!run.max_steps().has_value());
    QCOMPARE(run.find_series("train/loss")->size(), size_t(1));
  }
};

QTEST_GUILESS_MAIN(RunFollowingTest)
#include "run_following_qtest.moc"

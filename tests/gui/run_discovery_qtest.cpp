// Finding runs under root folders, and the live monitor noticing runs and lines that
// appear after it started (through the watcher or the poll timer, without a restart).
#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "gui_test_util.h"
#include "model/run_discovery.h"
#include "model/run_monitor.h"

using namespace trit::monitor;
using namespace trit::monitor::testing;

class RunDiscoveryTest : public QObject {
  Q_OBJECT
 private slots:
  void finds_nested_runs_and_skips_hidden() {
    QTemporaryDir tmp;
    QDir root(tmp.path());
    for (const char* d : {"runs/a", "runs/group/b", "runs/group/c/deep", "runs/.hidden/x", "runs/empty"})
      QVERIFY(root.mkpath(d));
    for (const char* d : {"runs/a", "runs/group/b", "runs/group/c/deep", "runs/.hidden/x"})
      write_file(root.filePath(d).toStdString() + "/metrics.jsonl", train_line(1, 1.0));
    write_file(root.filePath("runs/empty/config.json").toStdString(), "{}");  // no metrics: not a run
    const auto runs = find_runs({root.filePath("runs").toStdString()});
    QCOMPARE(runs.size(), size_t(3));
    QCOMPARE(runs[0].name, std::string("runs/a"));
    QCOMPARE(runs[1].name, std::string("runs/group/b"));
    QCOMPARE(runs[2].name, std::string("runs/group/c/deep"));
    // A run folder given directly, and the same root twice, still give each run once.
    const auto direct = find_runs({root.filePath("runs/a").toStdString(), root.filePath("runs/a/").toStdString()});
    QCOMPARE(direct.size(), size_t(1));
    QCOMPARE(direct[0].name, std::string("a"));
    QVERIFY(find_runs({root.filePath("nope").toStdString()}).empty());
  }

  void depth_limit_bounds_the_walk() {
    QTemporaryDir tmp;
    QDir root(tmp.path());
    QVERIFY(root.mkpath("r/1/2/3"));
    write_file(root.filePath("r/1/2/3/metrics.jsonl").toStdString(), train_line(1, 1.0));
    QCOMPARE(find_runs({root.filePath("r").toStdString()}, 2).size(), size_t(0));
    QCOMPARE(find_runs({root.filePath("r").toStdString()}, 3).size(), size_t(1));
  }

  void monitor_sees_new_runs_and_new_lines() {
    QTemporaryDir tmp;
    QDir root(tmp.path());
    QVERIFY(root.mkpath("runs/first"));
    write_file(root.filePath("runs/first/metrics.jsonl").toStdString(), train_line(1, 5.0));
    RunMonitor monitor;
    monitor.set_poll_interval_ms(100);
    monitor.set_rescan_interval_ms(150);
    QSignalSpy added(&monitor, &RunMonitor::runs_added);
    QSignalSpy updated(&monitor, &RunMonitor::runs_updated);
    monitor.add_root(root.filePath("runs").toStdString());
    QCOMPARE(monitor.runs().size(), size_t(1));
    QCOMPARE(monitor.runs()[0]->find_series("train/loss")->size(), size_t(1));

    // A run that starts later, in a folder created later.
    QVERIFY(root.mkpath("runs/later/sub"));
    write_file(root.filePath("runs/later/sub/metrics.jsonl").toStdString(), train_line(1, 4.0));
    QTRY_COMPARE_WITH_TIMEOUT(monitor.runs().size(), size_t(2), 5000);
    QVERIFY(added.count() >= 2);
    QCOMPARE(monitor.runs()[1]->name(), std::string("runs/later/sub"));

    // Lines appended to a known run arrive on their own.
    append_file(root.filePath("runs/first/metrics.jsonl").toStdString(), train_line(2, 4.5) + train_line(3, 4.2));
    QTRY_COMPARE_WITH_TIMEOUT(monitor.runs()[0]->find_series("train/loss")->size(), size_t(3), 5000);
    QVERIFY(updated.count() >= 1);
  }
};

QTEST_GUILESS_MAIN(RunDiscoveryTest)
#include "run_discovery_qtest.moc"

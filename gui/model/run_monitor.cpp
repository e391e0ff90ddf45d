#include "model/run_monitor.h"

#include <QSet>

#include <set>

#include "model/run_discovery.h"

namespace trit::monitor {

RunMonitor::RunMonitor(QObject* parent) : QObject(parent) {
  connect(&watcher_, &QFileSystemWatcher::fileChanged, this, &RunMonitor::on_file_changed);
  connect(&watcher_, &QFileSystemWatcher::directoryChanged, this, [this] { rescan(); });
  connect(&poll_timer_, &QTimer::timeout, this, &RunMonitor::poll_runs);
  connect(&rescan_timer_, &QTimer::timeout, this, &RunMonitor::rescan);
  poll_timer_.start(1000);
  rescan_timer_.start(5000);
}

void RunMonitor::set_poll_interval_ms(int ms) { poll_timer_.start(ms); }
void RunMonitor::set_rescan_interval_ms(int ms) { rescan_timer_.start(ms); }

void RunMonitor::add_root(const std::string& folder) {
  for (const auto& r : roots_)
    if (r == folder) return;
  roots_.push_back(folder);
  rescan();
}

void RunMonitor::refresh() {
  rescan();
  poll_runs();
}

void RunMonitor::rescan() {
  std::set<std::string> known;
  for (const auto& r : runs_) known.insert(r->dir());
  bool added = false;
  for (const auto& found : find_runs(roots_)) {
    if (known.count(found.dir)) continue;
    auto run = std::make_unique<Run>(found.dir, found.name);
    run->poll();
    runs_.push_back(std::move(run));
    added = true;
  }
  update_watches(true);
  if (added) emit runs_added();
}

void RunMonitor::poll_runs() {
  bool changed = false;
  for (auto& r : runs_) changed = r->poll() || changed;
  // A file replaced by rename drops out of the watcher: watch the new one.
  update_watches(false);
  if (changed) emit runs_updated();
}

void RunMonitor::on_file_changed(const QString& path) {
  bool changed = false;
  for (auto& r : runs_)
    if (QString::fromStdString(r->metrics_path()) == path || QString::fromStdString(r->config_path()) == path)
      changed = r->poll() || changed;
  update_watches(false);
  if (changed) emit runs_updated();
}

void RunMonitor::update_watches(bool include_folders) {
  QStringList wanted;
  if (include_folders)
    for (const auto& dir : folders_to_watch(roots_)) wanted << QString::fromStdString(dir);
  for (const auto& r : runs_) {
    wanted << QString::fromStdString(r->metrics_path());
    wanted << QString::fromStdString(r->config_path());
  }
  const QStringList listed = watcher_.files() + watcher_.directories();
  const QSet<QString> have(listed.begin(), listed.end());
  QStringList missing;
  for (const auto& p : wanted)
    if (!have.contains(p) && QFileInfo::exists(p)) missing << p;
  if (!missing.isEmpty()) watcher_.addPaths(missing);
}

}  // namespace trit::monitor

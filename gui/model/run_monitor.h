#pragma once
// Owns the runs found under a set of root folders and keeps them current: a
// QFileSystemWatcher reacts at once to writes and new folders, and a poll timer catches
// what the watcher misses (network file systems, inotify limits, files replaced by rename).
#include <QFileSystemWatcher>
#include <QObject>
#include <QFileInfo>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <string>
#include <vector>

#include "model/run.h"

namespace trit::monitor {

class RunMonitor : public QObject {
  Q_OBJECT
 public:
  explicit RunMonitor(QObject* parent = nullptr);

  void add_root(const std::string& folder);
  const std::vector<std::string>& roots() const { return roots_; }
  // Runs in the order they were found; pointers stay valid for the monitor's life.
  const std::vector<std::unique_ptr<Run>>& runs() const { return runs_; }

  // Looks for new runs and reads what every run appended. Called by the timers; call it
  // directly to load synchronously (e.g. before a screenshot).
  void refresh();
  void set_poll_interval_ms(int ms);
  void set_rescan_interval_ms(int ms);

 signals:
  void runs_added();
  void runs_updated();

 private:
  void rescan();
  void poll_runs();
  void on_file_changed(const QString& path);
  void update_watches(bool include_folders);

  std::vector<std::string> roots_;
  std::vector<std::unique_ptr<Run>> runs_;
  QFileSystemWatcher watcher_;
  QTimer poll_timer_, rescan_timer_;
};

}  // namespace trit::monitor

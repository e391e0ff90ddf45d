#pragma once
// Shows the configuration of the selected runs side by side, one row per dotted key, and
// highlights the keys whose values differ between them (or exist in only some).
#include <QCheckBox>
#include <QTreeWidget>
#include <QWidget>

#include <string>
#include <vector>

namespace trit::monitor {

class Run;

class ConfigPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ConfigPanel(QWidget* parent = nullptr);
  void show_runs(const std::vector<const Run*>& runs);
  QTreeWidget* tree() { return tree_; }

 private:
  void rebuild();
  QTreeWidget* tree_;
  QCheckBox* only_differing_;
  std::vector<const Run*> runs_;
  std::string shown_;  // what the tree shows (names and configs), to skip needless rebuilds
};

}  // namespace trit::monitor

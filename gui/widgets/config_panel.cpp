#include "widgets/config_panel.h"

#include <QHeaderView>
#include <QVBoxLayout>

#include "model/config_diff.h"
#include "model/run.h"

namespace trit::monitor {

ConfigPanel::ConfigPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  only_differing_ = new QCheckBox("Only keys that differ", this);
  tree_ = new QTreeWidget(this);
  tree_->setRootIsDecorated(false);
  tree_->setAlternatingRowColors(true);
  tree_->setUniformRowHeights(true);
  layout->addWidget(only_differing_);
  layout->addWidget(tree_);
  connect(only_differing_, &QCheckBox::toggled, this, [this] { rebuild(); });
}

void ConfigPanel::show_runs(const std::vector<const Run*>& runs) {
  // Called on every data update: rebuild only when something shown changed, so the
  // user's scroll position survives a running trainer.
  std::string shown;
  for (const Run* r : runs) shown += r->name() + '\n' + r->config().dump() + '\n';
  if (shown == shown_ && runs == runs_) return;
  shown_ = std::move(shown);
  runs_ = runs;
  rebuild();
}

void ConfigPanel::rebuild() {
  tree_->clear();
  QStringList headers{"key"};
  std::vector<const nlohmann::json*> configs;
  for (const Run* r : runs_) {
    headers << QString::fromStdString(r->name());
    configs.push_back(&r->config());
  }
  tree_->setColumnCount(static_cast<int>(headers.size()));
  tree_->setHeaderLabels(headers);
  const ConfigTable table = compare_configs(configs);
  const QColor highlight(255, 236, 160);
  QList<QTreeWidgetItem*> items;
  for (const auto& key : table.keys) {
    const bool differs = table.differing.count(key) > 0;
    if (only_differing_->isChecked() && !differs) continue;
    auto* item = new QTreeWidgetItem;
    item->setText(0, QString::fromStdString(key));
    for (size_t i = 0; i < table.values.size(); ++i) {
      const auto it = table.values[i].find(key);
      item->setText(static_cast<int>(i) + 1, it == table.values[i].end() ? QString("—") : QString::fromStdString(it->second));
    }
    if (differs) {
      QFont bold = item->font(0);
      bold.setBold(true);
      for (int c = 0; c < headers.size(); ++c) {
        item->setBackground(c, highlight);
        item->setFont(c, bold);
      }
      item->setToolTip(0, "differs between the selected runs");
    }
    items << item;
  }
  tree_->addTopLevelItems(items);
  tree_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
}

}  // namespace trit::monitor

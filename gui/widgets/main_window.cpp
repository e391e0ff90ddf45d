#include "widgets/main_window.h"

#include <QApplication>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

#include "model/csv_export.h"
#include "model/smoothing.h"

namespace trit::monitor {
namespace {

// The scalars every trit run writes, shown first and in this order.
const std::vector<std::string> kKnownSeries = {"train/loss", "val/loss", "val/bpb", "train/lr",
                                               "train/grad_norm", "train/tokens_per_s", "train/step_ms"};

}  // namespace

QString plot_title(const std::string& s) {
  static const std::map<std::string, QString> kTitles = {
      {"train/loss", "train loss"}, {"val/loss", "val loss"}, {"val/bpb", "val bits per byte"},
      {"train/lr", "learning rate"}, {"train/grad_norm", "gradient norm"},
      {"train/tokens_per_s", "tokens / s"}, {"train/step_ms", "step time (ms)"}};
  auto it = kTitles.find(s);
  return it != kTitles.end() ? it->second : QString::fromStdString(s);
}

MainWindow::MainWindow(RunMonitor& monitor, QWidget* parent) : QMainWindow(parent), monitor_(monitor) {
  setWindowTitle("trit-monitor");
  auto* split = new QSplitter(Qt::Horizontal, this);

  auto* left = new QSplitter(Qt::Vertical, split);
  auto* table_host = new QWidget(left);
  auto* tl = new QVBoxLayout(table_host);
  tl->setContentsMargins(4, 4, 4, 4);
  filter_ = new QLineEdit(table_host);
  filter_->setPlaceholderText("Filter runs (regular expression)");
  filter_->setClearButtonEnabled(true);
  table_model_ = new RunsTableModel(monitor_, this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(table_model_);
  proxy_->setFilterKeyColumn(RunsTableModel::Name);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  proxy_->setSortRole(Qt::UserRole);
  table_ = new QTableView(table_host);
  table_->setModel(proxy_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->verticalHeader()->hide();
  table_->setSortingEnabled(true);
  table_->sortByColumn(-1, Qt::AscendingOrder);  // found order until a header is clicked
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  tl->addWidget(filter_);
  tl->addWidget(table_);
  config_panel_ = new ConfigPanel(left);
  left->addWidget(table_host);
  left->addWidget(config_panel_);
  left->setStretchFactor(0, 3);
  left->setStretchFactor(1, 2);

  auto* right = new QWidget(split);
  auto* rl = new QVBoxLayout(right);
  rl->setContentsMargins(4, 4, 4, 4);
  auto* bar = new QWidget(right);
  build_toolbar(bar);
  auto* scroll = new QScrollArea(right);
  scroll->setWidgetResizable(true);
  plots_panel_ = new QWidget;
  plots_grid_ = new QGridLayout(plots_panel_);
  plots_grid_->setSpacing(6);
  scroll->setWidget(plots_panel_);
  rl->addWidget(bar);
  rl->addWidget(scroll);

  split->addWidget(left);
  split->addWidget(right);
  split->setStretchFactor(0, 0);
  split->setStretchFactor(1, 1);
  split->setSizes({600, 1000});
  setCentralWidget(split);
  status_label_ = new QLabel(this);
  statusBar()->addWidget(status_label_);

  connect(filter_, &QLineEdit::textChanged, this, &MainWindow::apply_filter);
  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          [this] { update_config_panel(); });
  connect(&monitor_, &RunMonitor::runs_added, this, &MainWindow::on_runs_added);
  connect(&monitor_, &RunMonitor::runs_updated, this, &MainWindow::on_runs_updated);
  // Statuses move with the clock (running -> stale) even when no file changes.
  connect(&clock_, &QTimer::timeout, this, [this] {
    table_model_->refresh();
    update_status_bar();
  });
  clock_.start(5000);

  new QShortcut(QKeySequence::Open, this, [this] { choose_folder(); });
  new QShortcut(QKeySequence("Ctrl+S"), this, [this] { choose_png(); });
  new QShortcut(QKeySequence("Ctrl+E"), this, [this] { choose_csv(); });
  new QShortcut(QKeySequence::Find, this, [this] { filter_->setFocus(); filter_->selectAll(); });
  new QShortcut(QKeySequence("Ctrl+Q"), this, [] { QApplication::quit(); });
  new QShortcut(QKeySequence("R"), this, [this] { for (auto& [_, p] : plots_) p->reset_view(); });
  new QShortcut(QKeySequence("L"), this, [this] { log_y_->toggle(); });
  new QShortcut(QKeySequence("O"), this, [this] { outliers_->toggle(); });
  new QShortcut(QKeySequence("X"), this, [this] { x_axis_->setCurrentIndex((x_axis_->currentIndex() + 1) % x_axis_->count()); });

  on_runs_added();
}

void MainWindow::build_toolbar(QWidget* host) {
  auto* l = new QHBoxLayout(host);
  l->setContentsMargins(0, 0, 0, 0);
  auto* open = new QPushButton("Open folder...", host);
  x_axis_ = new QComboBox(host);
  x_axis_->addItems({"Step", "Tokens", "Relative time", "Wall time"});
  log_y_ = new QCheckBox("Log y", host);
  outliers_ = new QCheckBox("Ignore outliers (5-95%)", host);
  outliers_->setChecked(settings_.ignore_outliers);
  smoothing_ = new QSlider(Qt::Horizontal, host);
  // TensorBoard accepts weights 0 to 0.999: the slider moves in steps of 0.001.
  smoothing_->setRange(0, static_cast<int>(kMaxSmoothingWeight * 1000 + 0.5));
  smoothing_->setValue(static_cast<int>(settings_.smoothing * 1000 + 0.5));
  smoothing_->setMinimumWidth(140);
  smoothing_label_ = new QLabel(host);
  smoothing_label_->setMinimumWidth(40);
  auto* png = new QPushButton("Export PNG...", host);
  auto* csv = new QPushButton("Export CSV...", host);
  l->addWidget(open);
  l->addSpacing(8);
  l->addWidget(new QLabel("X axis", host));
  l->addWidget(x_axis_);
  l->addWidget(log_y_);
  l->addWidget(outliers_);
  l->addSpacing(8);
  l->addWidget(new QLabel("Smoothing", host));
  l->addWidget(smoothing_);
  l->addWidget(smoothing_label_);
  l->addStretch(1);
  l->addWidget(png);
  l->addWidget(csv);
  smoothing_label_->setText(QString::number(settings_.smoothing, 'f', 3));

  auto changed = [this] {
    PlotSettings s = settings_;
    s.x_axis = static_cast<XAxis>(x_axis_->currentIndex());
    s.log_y = log_y_->isChecked();
    s.ignore_outliers = outliers_->isChecked();
    s.smoothing = smoothing_->value() / 1000.0;
    smoothing_label_->setText(QString::number(s.smoothing, 'f', 3));
    set_plot_settings(s);
  };
  connect(x_axis_, &QComboBox::currentIndexChanged, this, changed);
  connect(log_y_, &QCheckBox::toggled, this, changed);
  connect(outliers_, &QCheckBox::toggled, this, changed);
  connect(smoothing_, &QSlider::valueChanged, this, changed);
  connect(open, &QPushButton::clicked, this, &MainWindow::choose_folder);
  connect(png, &QPushButton::clicked, this, &MainWindow::choose_png);
  connect(csv, &QPushButton::clicked, this, &MainWindow::choose_csv);
}

void MainWindow::set_stale_after_seconds(double s) {
  table_model_->set_stale_after_seconds(s);
  table_model_->refresh();
}

void MainWindow::set_plot_settings(const PlotSettings& s) {
  settings_ = s;
  const QSignalBlocker b1(x_axis_), b2(log_y_), b3(outliers_), b4(smoothing_);
  x_axis_->setCurrentIndex(static_cast<int>(s.x_axis));
  log_y_->setChecked(s.log_y);
  outliers_->setChecked(s.ignore_outliers);
  smoothing_->setValue(static_cast<int>(s.smoothing * 1000 + 0.5));
  smoothing_label_->setText(QString::number(s.smoothing, 'f', 3));
  for (auto& [_, p] : plots_) {
    p->canvas().set_settings(settings_);
    p->invalidate();
  }
}

std::vector<std::string> MainWindow::plot_order() const {
  std::set<std::string> present;
  for (const auto& r : monitor_.runs())
    for (const auto& [name, s] : r->series())
      if (!s.empty()) present.insert(name);
  std::vector<std::string> order;
  for (const auto& k : kKnownSeries)
    if (present.erase(k)) order.push_back(k);
  order.insert(order.end(), present.begin(), present.end());
  return order;
}

std::vector<const Run*> MainWindow::visible_runs() const {
  std::vector<const Run*> out;
  for (int row = 0; row < proxy_->rowCount(); ++row)
    out.push_back(table_model_->run_at(proxy_->mapToSource(proxy_->index(row, 0)).row()));
  return out;
}

void MainWindow::on_runs_added() {
  table_model_->runs_added();
  on_runs_updated();
}

void MainWindow::on_runs_updated() {
  table_model_->refresh();
  std::vector<std::string> order = plot_order();
  std::vector<std::string> have;
  for (const auto& [k, _] : plots_) have.push_back(k);
  std::vector<std::string> sorted_order = order;
  std::sort(sorted_order.begin(), sorted_order.end());
  if (sorted_order != have) rebuild_plots();
  update_curves();
  update_config_panel();
  update_status_bar();
}

void MainWindow::rebuild_plots() {
  for (auto& [_, p] : plots_) p->deleteLater();
  plots_.clear();
  const auto order = plot_order();
  const int columns = 2;
  for (size_t i = 0; i < order.size(); ++i) {
    auto* p = new PlotWidget(plots_panel_);
    p->canvas().set_title(plot_title(order[i]));
    p->canvas().set_settings(settings_);
    p->setObjectName(QString::fromStdString(order[i]));
    connect(p, &PlotWidget::save_png_requested, this, [this](PlotWidget* w) {
      const QString path = QFileDialog::getSaveFileName(this, "Save plot as PNG", "plot.png", "PNG images (*.png)");
      if (!path.isEmpty()) export_png(path, w);
    });
    plots_grid_->addWidget(p, static_cast<int>(i) / columns, static_cast<int>(i) % columns);
    plots_[order[i]] = p;
  }
}

void MainWindow::update_curves() {
  const auto runs = visible_runs();
  for (auto& [name, plot] : plots_) {
    std::vector<PlotCurve> curves;
    for (const Run* r : runs) {
      const Series* s = r->find_series(name);
      if (!s || s->empty()) continue;
      size_t index = 0;
      while (index < monitor_.runs().size() && monitor_.runs()[index].get() != r) ++index;
      const double origin = std::isfinite(r->first_time()) ? r->first_time() : 0.0;
      curves.push_back({QString::fromStdString(r->name()), s, RunsTableModel::color_of(static_cast<int>(index)), origin});
    }
    // Keep the smoothing caches when the same curves come back with more points.
    bool same = curves.size() == plot->canvas().curves().size();
    for (size_t i = 0; same && i < curves.size(); ++i) same = curves[i].series == plot->canvas().curves()[i].series;
    if (!same) plot->canvas().set_curves(std::move(curves));
    plot->invalidate();
  }
}

void MainWindow::update_config_panel() {
  std::vector<const Run*> chosen;
  for (const auto& idx : table_->selectionModel()->selectedRows())
    chosen.push_back(table_model_->run_at(proxy_->mapToSource(idx).row()));
  if (chosen.empty()) {
    const auto runs = visible_runs();
    chosen.assign(runs.begin(), runs.begin() + static_cast<long>(std::min<size_t>(runs.size(), 4)));
  }
  config_panel_->show_runs(chosen);
}

void MainWindow::update_status_bar() {
  size_t points = 0, counts[4] = {0, 0, 0, 0};
  for (int row = 0; row < table_model_->rowCount(); ++row) {
    const Run* r = table_model_->run_at(row);
    for (const auto& [_, s] : r->series()) points += s.size();
    counts[static_cast<int>(table_model_->status_of(row))]++;
  }
  status_label_->setText(QString("%1 runs (%2 running, %3 finished, %4 stale) - %5 points - watching %6")
                             .arg(monitor_.runs().size()).arg(counts[0]).arg(counts[1]).arg(counts[2])
                             .arg(points)
                             .arg(QString::fromStdString(monitor_.roots().empty() ? std::string("nothing") : monitor_.roots().front()) +
                                  (monitor_.roots().size() > 1 ? QString(" +%1").arg(monitor_.roots().size() - 1) : QString())));
}

void MainWindow::apply_filter(const QString& text) {
  QRegularExpression re(text, QRegularExpression::CaseInsensitiveOption);
  const bool ok = re.isValid();
  filter_->setStyleSheet(ok ? QString() : QString("QLineEdit { background: #ffd6d6; }"));
  filter_->setToolTip(ok ? QString() : "invalid regular expression: " + re.errorString());
  proxy_->setFilterRegularExpression(ok ? re : QRegularExpression());
  update_curves();
  update_config_panel();
}

void MainWindow::choose_folder() {
  const QString dir = QFileDialog::getExistingDirectory(this, "Open run folder");
  if (!dir.isEmpty()) monitor_.add_root(dir.toStdString());
}

void MainWindow::choose_png() {
  const QString path = QFileDialog::getSaveFileName(this, "Export plots as PNG", "plots.png", "PNG images (*.png)");
  if (!path.isEmpty()) export_png(path);
}

void MainWindow::choose_csv() {
  const QString path = QFileDialog::getSaveFileName(this, "Export data as CSV", "metrics.csv", "CSV files (*.csv)");
  if (!path.isEmpty()) export_csv(path);
}

bool MainWindow::export_png(const QString& path, QWidget* what) {
  QWidget* target = what ? what : plots_panel_;
  const QPixmap shot = target->grab();
  if (shot.save(path, "PNG")) return true;
  QMessageBox::warning(this, "trit-monitor", path + ": could not write the PNG");
  return false;
}

bool MainWindow::export_csv(const QString& path) {
  try {
    trit::monitor::export_csv(path.toStdString(), visible_runs());
    return true;
  } catch (const std::exception& e) {
    QMessageBox::warning(this, "trit-monitor", e.what());
    return false;
  }
}

}  // namespace trit::monitor

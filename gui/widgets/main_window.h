#pragma once
// trit-monitor's window: runs table (regex filter) and config panel on the left, a grid
// of plots (one per scalar) on the right, with the shared plot settings above it.
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>

#include <map>
#include <string>
#include <vector>

#include "model/run_monitor.h"
#include "widgets/config_panel.h"
#include "widgets/plot_widget.h"
#include "widgets/runs_table_model.h"

class QGridLayout;

namespace trit::monitor {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(RunMonitor& monitor, QWidget* parent = nullptr);

  void set_stale_after_seconds(double s);
  void set_plot_settings(const PlotSettings& s);
  const PlotSettings& plot_settings() const { return settings_; }
  // Series names in the order the plots show them.
  std::vector<std::string> plot_order() const;
  const std::map<std::string, PlotWidget*>& plots() const { return plots_; }
  // Runs that pass the filter, in table order.
  std::vector<const Run*> visible_runs() const;
  QWidget* plots_panel() const { return plots_panel_; }

  bool export_png(const QString& path, QWidget* what = nullptr);
  bool export_csv(const QString& path);

 private:
  void build_toolbar(QWidget* host);
  void on_runs_added();
  void on_runs_updated();
  void rebuild_plots();
  void update_curves();
  void update_config_panel();
  void update_status_bar();
  void apply_filter(const QString& text);
  void choose_folder();
  void choose_png();
  void choose_csv();

  RunMonitor& monitor_;
  RunsTableModel* table_model_;
  QSortFilterProxyModel* proxy_;
  QTableView* table_;
  QLineEdit* filter_;
  ConfigPanel* config_panel_;
  QWidget* plots_panel_;
  QGridLayout* plots_grid_;
  std::map<std::string, PlotWidget*> plots_;
  QComboBox* x_axis_;
  QCheckBox* log_y_;
  QCheckBox* outliers_;
  QSlider* smoothing_;
  QLabel* smoothing_label_;
  QLabel* status_label_;
  QTimer clock_;
  PlotSettings settings_;
};

// Title shown above a series' plot ("train/loss" -> "train loss").
QString plot_title(const std::string& series);

}  // namespace trit::monitor

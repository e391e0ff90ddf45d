#pragma once
// The runs table: one row per run with its colour, name, status, step, latest and best
// validation loss, throughput and ETA. Statuses are recomputed against the clock on refresh().
// Qt::UserRole gives each cell's sort key (numbers as numbers).
#include <QAbstractTableModel>
#include <QColor>

#include "model/run_monitor.h"

namespace trit::monitor {

class RunsTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name, Status, Step, ValLoss, BestValLoss, TokensPerS, Eta, ColumnCount };

  RunsTableModel(const RunMonitor& monitor, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

  void runs_added();    // rows appended
  void refresh();       // values and statuses changed
  void set_stale_after_seconds(double s) { stale_after_ = s; }
  double stale_after_seconds() const { return stale_after_; }

  const Run* run_at(int row) const;
  static QColor color_of(int row);
  RunStatus status_of(int row) const;

 private:
  QVariant sort_key(const Run& r, int row, int col) const;

  const RunMonitor& monitor_;
  int rows_ = 0;
  double stale_after_ = 300.0;
};

}  // namespace trit::monitor

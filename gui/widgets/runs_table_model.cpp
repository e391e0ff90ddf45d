#include "widgets/runs_table_model.h"

#include <QDateTime>
#include <QFont>

#include "model/run_colors.h"
#include "widgets/axis_format.h"

namespace trit::monitor {
namespace {

double now_seconds() { return QDateTime::currentMSecsSinceEpoch() / 1000.0; }

QVariant number_or_blank(std::optional<double> v, int digits) {
  if (!v) return {};
  return QString::number(*v, 'f', digits);
}

}  // namespace

RunsTableModel::RunsTableModel(const RunMonitor& monitor, QObject* parent)
    : QAbstractTableModel(parent), monitor_(monitor), rows_(static_cast<int>(monitor.runs().size())) {}

int RunsTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : rows_; }
int RunsTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

const Run* RunsTableModel::run_at(int row) const {
  if (row < 0 || row >= rows_) return nullptr;
  return monitor_.runs()[static_cast<size_t>(row)].get();
}

QColor RunsTableModel::color_of(int row) { return QColor::fromRgb(run_color_rgb(static_cast<size_t>(row))); }

RunStatus RunsTableModel::status_of(int row) const {
  const Run* r = run_at(row);
  return r ? r->status(now_seconds(), stale_after_) : RunStatus::Empty;
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const {
  const Run* r = run_at(index.row());
  if (!r) return {};
  const int col = index.column();
  if (role == Qt::DecorationRole && col == Name) return color_of(index.row());
  if (role == Qt::TextAlignmentRole && col != Name && col != Status)
    return int(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole) {
    QString tip = QString::fromStdString(r->dir());
    if (r->bad_lines() > 0)
      tip += QString("\n%1 unreadable line(s) in metrics.jsonl (last: %2)")
                 .arg(r->bad_lines()).arg(QString::fromStdString(r->last_bad_line_error()));
    if (!r->config_error().empty()) tip += "\n" + QString::fromStdString(r->config_error());
    return tip;
  }
  if (role == Qt::ForegroundRole && col == Status) {
    switch (status_of(index.row())) {
      case RunStatus::Running: return QColor(0x2c, 0xa0, 0x2c);
      case RunStatus::Finished: return QColor(0x1f, 0x77, 0xb4);
      case RunStatus::Stale: return QColor(0xd6, 0x27, 0x28);
      case RunStatus::Empty: return QColor(0x7f, 0x7f, 0x7f);
    }
  }
  if (role == Qt::UserRole) return sort_key(*r, index.row(), col);
  if (role != Qt::DisplayRole) return {};
  switch (col) {
    case Name: return QString::fromStdString(r->name());
    case Status: return QString(run_status_name(status_of(index.row())));
    case Step: {
      if (r->last_step() < 0) return {};
      QString s = QString::number(r->last_step());
      if (r->max_steps()) s += " / " + QString::number(*r->max_steps());
      return s;
    }
    case ValLoss: return number_or_blank(r->latest_value("val/loss"), 4);
    case BestValLoss: return number_or_blank(r->best_value("val/loss"), 4);
    case TokensPerS: {
      auto v = r->latest_value("train/tokens_per_s");
      return v ? QVariant(format_number(*v)) : QVariant();
    }
    case Eta: {
      if (status_of(index.row()) != RunStatus::Running) return {};
      auto eta = r->eta_seconds();
      return eta ? QVariant(format_eta(*eta)) : QVariant();
    }
  }
  return {};
}

QVariant RunsTableModel::sort_key(const Run& r, int row, int col) const {
  // Numbers sort as numbers; an unknown value sorts after every known one.
  constexpr double kLast = 1e300;
  switch (col) {
    case Name: return QString::fromStdString(r.name());
    case Status: return static_cast<int>(status_of(row));
    case Step: return static_cast<qlonglong>(r.last_step());
    case ValLoss: return r.latest_value("val/loss").value_or(kLast);
    case BestValLoss: return r.best_value("val/loss").value_or(kLast);
    case TokensPerS: return r.latest_value("train/tokens_per_s").value_or(-1.0);
    case Eta: return r.eta_seconds().value_or(kLast);
  }
  return {};
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* kNames[] = {"Run", "Status", "Step", "Val loss", "Best val", "Tokens/s", "ETA"};
  return section >= 0 && section < ColumnCount ? QString(kNames[section]) : QVariant();
}

void RunsTableModel::runs_added() {
  const int n = static_cast<int>(monitor_.runs().size());
  if (n <= rows_) return;
  beginInsertRows({}, rows_, n - 1);
  rows_ = n;
  endInsertRows();
}

void RunsTableModel::refresh() {
  if (rows_ > 0) emit dataChanged(index(0, 0), index(rows_ - 1, ColumnCount - 1));
}

}  // namespace trit::monitor

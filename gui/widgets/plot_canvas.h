#pragma once
// Draws one scalar plot (several runs' curves) with QPainter, independent of any widget so
// the same code paints the window, PNG exports and the repaint benchmark.
//
// Per curve: points in the visible x range are reduced by per-pixel min/max decimation
// (model/decimation.h) before drawing, so cost stays ~linear in the points but the drawing
// is bounded by the plot width. With smoothing on, the raw curve is drawn faint beneath the
// TensorBoard-smoothed one. The view is either automatic (all x, y from the visible data,
// optionally the 5th-95th percentile) or set by zoom and pan.
#include <QColor>
#include <QPainter>
#include <QRectF>
#include <QString>

#include <optional>
#include <unordered_map>
#include <vector>

#include "model/decimation.h"
#include "model/series.h"
#include "model/smoothing.h"

namespace trit::monitor {

struct PlotCurve {
  QString run_name;
  const Series* series = nullptr;
  QColor color;
  double time_origin = 0.0;  // subtracted from wall time for the relative-time axis
};

struct PlotSettings {
  XAxis x_axis = XAxis::Step;
  bool log_y = false;
  bool ignore_outliers = true;
  double smoothing = 0.6;  // TensorBoard's default
};

// What lies under the mouse: the nearest point of the nearest curve.
struct PlotHit {
  int curve = -1;
  size_t index = 0;
  double x = 0, value = 0, smoothed = 0, time = 0;
  QPointF pixel;
};

class PlotCanvas {
 public:
  void set_title(QString title) { title_ = std::move(title); }
  const QString& title() const { return title_; }
  void set_curves(std::vector<PlotCurve> curves);
  const std::vector<PlotCurve>& curves() const { return curves_; }
  void set_settings(const PlotSettings& s);
  const PlotSettings& settings() const { return settings_; }

  // Paints into `area` (whole plot incl. axes and title).
  void paint(QPainter& p, const QRectF& area);
  // The rectangle holding the curves inside `area`.
  QRectF plot_rect(const QRectF& area) const;

  // View in axis space (y is log10 of the value on a log axis). Valid after a paint.
  struct View {
    double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  };
  const View& view() const { return view_; }
  bool manual_view() const { return manual_.has_value(); }
  void set_manual_view(const View& v) { manual_ = v; }
  void reset_view() { manual_.reset(); }
  // Zoom by `factor` (< 1 zooms in) about a pixel position inside the last painted area.
  void zoom_at(QPointF pixel, double fx, double fy);
  void pan_pixels(QPointF delta);
  void zoom_to_pixels(const QRectF& pixel_rect);

  std::optional<PlotHit> hit_test(QPointF pixel) const;
  // Axis-space <-> pixel mapping of the last paint.
  QPointF to_pixel(double x, double y_axis) const;
  double x_at_pixel(double px) const;
  double y_at_pixel(double py) const;  // axis space

  const std::vector<double>& smoothed_values(size_t curve);

 private:
  double x_offset(const PlotCurve& c) const;
  View auto_view();
  void draw_axes(QPainter& p, const QRectF& area, const QRectF& pr) const;
  void draw_curve(QPainter& p, const QRectF& pr, const PlotCurve& c, const std::vector<double>& ys,
                  const MinMaxBlocks& blocks, QColor color, qreal width) const;

  QString title_;
  std::vector<PlotCurve> curves_;
  mutable std::vector<SmoothedCache> smooth_;
  std::vector<MinMaxBlocks> raw_blocks_, smooth_blocks_;
  PlotSettings settings_;
  std::optional<View> manual_;
  View view_;
  QRectF last_plot_rect_{0, 0, 1, 1};
};

}  // namespace trit::monitor

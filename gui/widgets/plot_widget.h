#pragma once
// One plot on screen: PlotCanvas painted into a cached image, with the crosshair, tooltip
// and zoom rectangle drawn over it so that moving the mouse never re-plots the data.
// Mouse: wheel zooms about the cursor (Shift: x only, Ctrl: y only), left-drag pans,
// Shift+left-drag zooms to a rectangle, double-click returns to the automatic view.
#include <QImage>
#include <QWidget>

#include <optional>

#include "widgets/plot_canvas.h"

namespace trit::monitor {

class PlotWidget : public QWidget {
  Q_OBJECT
 public:
  explicit PlotWidget(QWidget* parent = nullptr);

  PlotCanvas& canvas() { return canvas_; }
  // Call after curves, settings or data changed.
  void invalidate();
  void reset_view();
  QSize sizeHint() const override { return {520, 300}; }
  QSize minimumSizeHint() const override { return {240, 160}; }

 signals:
  void save_png_requested(PlotWidget* plot);

 protected:
  void paintEvent(QPaintEvent*) override;
  void resizeEvent(QResizeEvent*) override;
  void mousePressEvent(QMouseEvent*) override;
  void mouseMoveEvent(QMouseEvent*) override;
  void mouseReleaseEvent(QMouseEvent*) override;
  void mouseDoubleClickEvent(QMouseEvent*) override;
  void wheelEvent(QWheelEvent*) override;
  void leaveEvent(QEvent*) override;
  void contextMenuEvent(QContextMenuEvent*) override;

 private:
  void draw_overlay(QPainter& p);

  PlotCanvas canvas_;
  QImage cache_;
  bool cache_valid_ = false;
  std::optional<QPointF> hover_;
  std::optional<QPointF> drag_from_;
  bool rubber_band_ = false;
  QPointF drag_to_;
};

}  // namespace trit::monitor

#include "widgets/plot_widget.h"

#include <QContextMenuEvent>
#include <QDateTime>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <cmath>

#include "widgets/axis_format.h"

namespace trit::monitor {

PlotWidget::PlotWidget(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setFocusPolicy(Qt::ClickFocus);
}

void PlotWidget::invalidate() {
  cache_valid_ = false;
  update();
}

void PlotWidget::reset_view() {
  canvas_.reset_view();
  invalidate();
}

void PlotWidget::resizeEvent(QResizeEvent*) { cache_valid_ = false; }

void PlotWidget::paintEvent(QPaintEvent*) {
  const qreal dpr = devicePixelRatioF();
  const QSize px(static_cast<int>(width() * dpr), static_cast<int>(height() * dpr));
  if (!cache_valid_ || cache_.size() != px) {
    cache_ = QImage(px, QImage::Format_ARGB32_Premultiplied);
    cache_.setDevicePixelRatio(dpr);
    QPainter ip(&cache_);
    ip.setFont(font());
    canvas_.paint(ip, QRectF(0, 0, width(), height()));
    cache_valid_ = true;
  }
  QPainter p(this);
  p.drawImage(0, 0, cache_);
  draw_overlay(p);
}

void PlotWidget::draw_overlay(QPainter& p) {
  if (drag_from_ && rubber_band_) {
    p.setPen(QPen(QColor(60, 60, 60), 1, Qt::DashLine));
    p.setBrush(QColor(80, 120, 200, 40));
    p.drawRect(QRectF(*drag_from_, drag_to_).normalized());
    return;
  }
  if (!hover_ || drag_from_) return;
  const auto hit = canvas_.hit_test(*hover_);
  if (!hit) return;
  const PlotCurve& c = canvas_.curves()[static_cast<size_t>(hit->curve)];
  const QRectF pr = canvas_.plot_rect(QRectF(rect()));
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setPen(QPen(QColor(120, 120, 120), 1, Qt::DotLine));
  p.drawLine(QPointF(hit->pixel.x(), pr.top()), QPointF(hit->pixel.x(), pr.bottom()));
  p.setPen(QPen(c.color.darker(130), 1.5));
  p.setBrush(c.color);
  p.drawEllipse(hit->pixel, 3.5, 3.5);

  const Series& s = *c.series;
  QStringList lines;
  lines << c.run_name;
  lines << QString("step %1").arg(static_cast<long long>(s.steps()[hit->index]));
  lines << QString("value %1").arg(QString::number(hit->value, 'g', 6));
  if (canvas_.settings().smoothing > 0) lines << QString("smoothed %1").arg(QString::number(hit->smoothed, 'g', 6));
  if (std::isfinite(hit->time)) {
    const auto when = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(hit->time * 1000.0));
    lines << QString("time %1 (+%2)").arg(when.toString("yyyy-MM-dd HH:mm:ss"), format_duration(hit->time - c.time_origin));
  }
  const QFontMetrics fm(font());
  int w = 0;
  for (const auto& l : lines) w = std::max(w, fm.horizontalAdvance(l));
  const int h = fm.height() * static_cast<int>(lines.size()) + 8;
  QRectF box(hit->pixel.x() + 12, hit->pixel.y() + 12, w + 14, h);
  if (box.right() > width() - 2) box.moveRight(hit->pixel.x() - 12);
  if (box.bottom() > height() - 2) box.moveBottom(hit->pixel.y() - 12);
  p.setPen(QColor(150, 150, 150));
  p.setBrush(QColor(255, 255, 255, 235));
  p.drawRoundedRect(box, 4, 4);
  p.setPen(QColor(30, 30, 30));
  for (int i = 0; i < lines.size(); ++i)
    p.drawText(QPointF(box.left() + 7, box.top() + 4 + fm.ascent() + i * fm.height()), lines[i]);
}

void PlotWidget::mousePressEvent(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton) return;
  drag_from_ = e->position();
  drag_to_ = e->position();
  rubber_band_ = e->modifiers() & Qt::ShiftModifier;
}

void PlotWidget::mouseMoveEvent(QMouseEvent* e) {
  hover_ = e->position();
  if (drag_from_ && !rubber_band_) {
    canvas_.pan_pixels(e->position() - drag_to_);
    drag_to_ = e->position();
    invalidate();
    return;
  }
  drag_to_ = e->position();
  update();
}

void PlotWidget::mouseReleaseEvent(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton || !drag_from_) return;
  if (rubber_band_) {
    canvas_.zoom_to_pixels(QRectF(*drag_from_, e->position()));
    cache_valid_ = false;
  }
  drag_from_.reset();
  rubber_band_ = false;
  update();
}

void PlotWidget::mouseDoubleClickEvent(QMouseEvent*) { reset_view(); }

void PlotWidget::wheelEvent(QWheelEvent* e) {
  // Shift turns the wheel sideways on some platforms: take whichever axis moved.
  const QPoint a = e->angleDelta();
  const double notches = (a.y() != 0 ? a.y() : a.x()) / 120.0;
  if (notches == 0) return;
  const double f = std::pow(0.85, notches);
  const bool x_only = e->modifiers() & Qt::ShiftModifier, y_only = e->modifiers() & Qt::ControlModifier;
  canvas_.zoom_at(e->position(), y_only ? 1.0 : f, x_only ? 1.0 : f);
  invalidate();
  e->accept();
}

void PlotWidget::leaveEvent(QEvent*) {
  hover_.reset();
  update();
}

void PlotWidget::contextMenuEvent(QContextMenuEvent* e) {
  QMenu menu(this);
  menu.addAction("Reset view", this, [this] { reset_view(); });
  menu.addAction("Save this plot as PNG...", this, [this] { emit save_png_requested(this); });
  menu.exec(e->globalPos());
}

}  // namespace trit::monitor

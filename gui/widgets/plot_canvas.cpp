#include "widgets/plot_canvas.h"

#include <QDateTime>
#include <QFontMetricsF>
#include <QPolygonF>

#include <algorithm>
#include <cmath>

#include "model/decimation.h"
#include "model/value_range.h"
#include "widgets/axis_format.h"

namespace trit::monitor {
namespace {

constexpr double kMarginLeft = 62, kMarginRight = 24, kMarginTop = 24, kMarginBottom = 30;
// Raster coordinates far outside the widget overflow QPainter's fixed point: clamp them.
constexpr double kPixelLimit = 1e6;

double first_finite(const std::vector<double>& v) {
  for (double x : v)
    if (std::isfinite(x)) return x;
  return std::nan("");
}
double last_finite(const std::vector<double>& v) {
  for (size_t i = v.size(); i-- > 0;)
    if (std::isfinite(v[i])) return v[i];
  return std::nan("");
}

}  // namespace

void PlotCanvas::set_curves(std::vector<PlotCurve> curves) {
  curves_ = std::move(curves);
  smooth_.assign(curves_.size(), SmoothedCache{});
  raw_blocks_.assign(curves_.size(), MinMaxBlocks{});
  smooth_blocks_.assign(curves_.size(), MinMaxBlocks{});
}

void PlotCanvas::set_settings(const PlotSettings& s) {
  if (s.x_axis != settings_.x_axis || s.log_y != settings_.log_y) manual_.reset();
  settings_ = s;
}

double PlotCanvas::x_offset(const PlotCurve& c) const {
  return settings_.x_axis == XAxis::RelativeTime ? c.time_origin : 0.0;
}

const std::vector<double>& PlotCanvas::smoothed_values(size_t i) {
  const Series& s = *curves_[i].series;
  return smooth_[i].update(s.values(), s.generation(), settings_.smoothing);
}

QRectF PlotCanvas::plot_rect(const QRectF& a) const {
  return QRectF(a.left() + kMarginLeft, a.top() + kMarginTop,
                std::max(10.0, a.width() - kMarginLeft - kMarginRight),
                std::max(10.0, a.height() - kMarginTop - kMarginBottom));
}

PlotCanvas::View PlotCanvas::auto_view() {
  View v;
  double xl = INFINITY, xh = -INFINITY;
  for (const auto& c : curves_) {
    const auto& xs = c.series->x_column(settings_.x_axis);
    const double off = x_offset(c), a = first_finite(xs) - off, b = last_finite(xs) - off;
    if (std::isfinite(a)) xl = std::min(xl, a);
    if (std::isfinite(b)) xh = std::max(xh, b);
  }
  if (!(xl <= xh)) xl = 0, xh = 1;
  if (xh - xl <= 0) xl -= 0.5, xh += 0.5;
  v.x_lo = xl;
  v.x_hi = xh;

  std::vector<ValueSpan> spans;
  for (const auto& c : curves_) {
    const auto& xs = c.series->x_column(settings_.x_axis);
    const auto [b, e] = visible_range(xs, xl + x_offset(c), xh + x_offset(c));
    if (e > b) spans.push_back({c.series->values().data() + b, e - b});
  }
  const bool robust = settings_.ignore_outliers;
  auto r = percentile_range(spans, robust ? 5.0 : 0.0, robust ? 95.0 : 100.0, settings_.log_y);
  Range yr = pad_range(r ? *r : Range{settings_.log_y ? 0.1 : 0.0, 1.0}, 0.06, settings_.log_y);
  v.y_lo = settings_.log_y ? std::log10(yr.lo) : yr.lo;
  v.y_hi = settings_.log_y ? std::log10(yr.hi) : yr.hi;
  return v;
}

QPointF PlotCanvas::to_pixel(double x, double y) const {
  const QRectF& pr = last_plot_rect_;
  const double px = pr.left() + (x - view_.x_lo) / (view_.x_hi - view_.x_lo) * pr.width();
  const double py = pr.bottom() - (y - view_.y_lo) / (view_.y_hi - view_.y_lo) * pr.height();
  return {std::clamp(px, -kPixelLimit, kPixelLimit), std::clamp(py, -kPixelLimit, kPixelLimit)};
}

double PlotCanvas::x_at_pixel(double px) const {
  const QRectF& pr = last_plot_rect_;
  return view_.x_lo + (px - pr.left()) / pr.width() * (view_.x_hi - view_.x_lo);
}

double PlotCanvas::y_at_pixel(double py) const {
  const QRectF& pr = last_plot_rect_;
  return view_.y_lo + (pr.bottom() - py) / pr.height() * (view_.y_hi - view_.y_lo);
}

void PlotCanvas::paint(QPainter& p, const QRectF& area) {
  p.save();
  p.fillRect(area, Qt::white);
  const QRectF pr = plot_rect(area);
  last_plot_rect_ = pr;
  view_ = manual_ ? *manual_ : auto_view();
  draw_axes(p, area, pr);
  p.setClipRect(pr.adjusted(-1, -1, 1, 1));
  p.setRenderHint(QPainter::Antialiasing, true);
  for (size_t i = 0; i < curves_.size(); ++i) {
    const PlotCurve& c = curves_[i];
    raw_blocks_[i].update(c.series->values(), c.series->generation());
    if (settings_.smoothing > 0) {
      QColor faint = c.color;
      faint.setAlpha(64);
      draw_curve(p, pr, c, c.series->values(), raw_blocks_[i], faint, 1.0);
      const auto& sm = smoothed_values(i);
      smooth_blocks_[i].update(sm, smooth_[i].version());
      draw_curve(p, pr, c, sm, smooth_blocks_[i], c.color, 1.6);
    } else {
      draw_curve(p, pr, c, c.series->values(), raw_blocks_[i], c.color, 1.4);
    }
  }
  p.restore();
}

void PlotCanvas::draw_curve(QPainter& p, const QRectF& pr, const PlotCurve& c,
                            const std::vector<double>& ys, const MinMaxBlocks& blocks, QColor color,
                            qreal width) const {
  const auto& xs = c.series->x_column(settings_.x_axis);
  const double off = x_offset(c);
  const auto [b, e] = visible_range(xs, view_.x_lo + off, view_.x_hi + off);
  if (e <= b) return;
  const ColumnMapping map{view_.x_lo + off, pr.width() / (view_.x_hi - view_.x_lo)};
  const auto keep = decimate_min_max(xs.data(), ys.data(), b, e, map, settings_.log_y, &blocks);
  QPolygonF line;
  line.reserve(static_cast<int>(keep.size()));
  for (size_t i : keep) {
    const double y = settings_.log_y ? std::log10(ys[i]) : ys[i];
    line << to_pixel(xs[i] - off, y);
  }
  // Noisy dense data draws as a band of vertical strokes: antialiasing adds nothing visible
  // there but costs most of the repaint, so it is off when the line travels up and down
  // much more than a smooth curve across the plot would.
  double travel = 0;
  for (int k = 1; k < line.size(); ++k) travel += std::abs(line[k].y() - line[k - 1].y());
  const bool dense = travel > 6.0 * (pr.width() + pr.height());
  p.setRenderHint(QPainter::Antialiasing, !dense);
  p.setPen(QPen(color, dense ? 1.0 : width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
  if (line.size() == 1) {
    p.setBrush(color);
    p.drawEllipse(line.front(), 2.5, 2.5);
    p.setBrush(Qt::NoBrush);
  } else {
    // Qt strokes a wide polyline as one path and fills it; a zig-zag of thousands of
    // overlapping segments makes that fill very slow. Short pieces keep it linear.
    constexpr int kPiece = 32;
    for (int start = 0; start + 1 < line.size(); start += kPiece) {
      const int count = std::min<int>(kPiece + 1, static_cast<int>(line.size()) - start);
      p.drawPolyline(line.constData() + start, count);
    }
  }
}

void PlotCanvas::draw_axes(QPainter& p, const QRectF& area, const QRectF& pr) const {
  const QFontMetricsF fm(p.font());
  QFont title_font = p.font();
  title_font.setBold(true);
  p.setFont(title_font);
  p.setPen(QColor(40, 40, 40));
  p.drawText(QRectF(area.left() + 8, area.top() + 2, area.width() - 16, kMarginTop - 4),
             Qt::AlignLeft | Qt::AlignVCenter, title_);
  title_font.setBold(false);
  p.setFont(title_font);

  const QPen grid(QColor(232, 232, 232), 1.0), text(QColor(90, 90, 90));
  // y ticks: decades on a log axis spanning more than one, else "nice" linear values.
  std::vector<double> yt;  // axis space
  if (settings_.log_y && view_.y_hi - view_.y_lo >= 1.0) {
    const double step = std::max(1.0, std::ceil((view_.y_hi - view_.y_lo) / 8.0));
    for (double d = std::ceil(view_.y_lo); d <= view_.y_hi; d += step) yt.push_back(d);
  } else if (settings_.log_y) {
    for (double t : nice_ticks(std::pow(10.0, view_.y_lo), std::pow(10.0, view_.y_hi), 5))
      if (t > 0) yt.push_back(std::log10(t));
  } else {
    yt = nice_ticks(view_.y_lo, view_.y_hi, std::max(2, static_cast<int>(pr.height() / 45)));
  }
  // One notation per axis: when every tick is tiny (learning rates), all in e-notation.
  double largest = 0;
  for (double y : yt) largest = std::max(largest, std::abs(settings_.log_y ? std::pow(10.0, y) : y));
  const bool small_ticks = largest > 0 && largest < 1e-2;
  for (double y : yt) {
    const double py = to_pixel(view_.x_lo, y).y();
    p.setPen(grid);
    p.drawLine(QPointF(pr.left(), py), QPointF(pr.right(), py));
    p.setPen(text);
    const QString label = small_ticks ? QString::number(settings_.log_y ? std::pow(10.0, y) : y, 'e', 1)
                                      : format_number(settings_.log_y ? std::pow(10.0, y) : y);
    p.drawText(QRectF(area.left(), py - 8, kMarginLeft - 6, 16), Qt::AlignRight | Qt::AlignVCenter, label);
  }
  const bool wall = settings_.x_axis == XAxis::WallTime, rel = settings_.x_axis == XAxis::RelativeTime;
  const int n_x = std::max(2, static_cast<int>(pr.width() / (wall ? 110 : 90)));
  // Time axes tick on clock steps; wall time aligned to the local clock.
  const double tz = wall ? QDateTime::currentDateTime().offsetFromUtc() : 0.0;
  const std::vector<double> xt = wall || rel ? time_ticks(view_.x_lo, view_.x_hi, n_x, tz)
                                             : nice_ticks(view_.x_lo, view_.x_hi, n_x);
  for (double x : xt) {
    const double px = to_pixel(x, view_.y_lo).x();
    p.setPen(grid);
    p.drawLine(QPointF(px, pr.top()), QPointF(px, pr.bottom()));
    p.setPen(text);
    const double tick_step = xt.size() > 1 ? xt[1] - xt[0] : view_.x_hi - view_.x_lo;
    const QString label = wall ? format_wall_time(x, tick_step)
                          : rel ? format_clock_duration(x) : format_number(x);
    p.drawText(QRectF(px - 50, pr.bottom() + 3, 100, 16), Qt::AlignHCenter | Qt::AlignTop, label);
  }
  static const char* kAxisNames[] = {"step", "tokens", "relative time", "wall time"};
  p.drawText(QRectF(pr.left(), pr.bottom() + 15, pr.width(), 14), Qt::AlignRight | Qt::AlignTop,
             kAxisNames[static_cast<int>(settings_.x_axis)]);
  p.setPen(QPen(QColor(170, 170, 170), 1.0));
  p.drawRect(pr);
  (void)fm;
}

std::optional<PlotHit> PlotCanvas::hit_test(QPointF pixel) const {
  if (!last_plot_rect_.contains(pixel)) return std::nullopt;
  const double x = x_at_pixel(pixel.x());
  std::optional<PlotHit> best;
  double best_dist = INFINITY;
  for (size_t ci = 0; ci < curves_.size(); ++ci) {
    const PlotCurve& c = curves_[ci];
    const auto& xs = c.series->x_column(settings_.x_axis);
    const double off = x_offset(c);
    auto [b, e] = visible_range(xs, x + off, x + off);
    // The neighbours of x: pick the nearer in x among the candidates.
    size_t pick = SIZE_MAX;
    double dx = INFINITY;
    for (size_t i = b; i < e && i < xs.size(); ++i)
      if (std::isfinite(xs[i]) && std::abs(xs[i] - off - x) < dx) dx = std::abs(xs[i] - off - x), pick = i;
    if (pick == SIZE_MAX) continue;
    const double raw = c.series->values()[pick];
    const auto& sm = smooth_[ci].update(c.series->values(), c.series->generation(), settings_.smoothing);
    const double shown = settings_.smoothing > 0 ? sm[pick] : raw;
    const double ya = settings_.log_y ? std::log10(shown) : shown;
    const QPointF px = to_pixel(xs[pick] - off, std::isfinite(ya) ? ya : view_.y_lo);
    const double dist = std::abs(px.y() - pixel.y());
    if (dist < best_dist) {
      best_dist = dist;
      best = PlotHit{static_cast<int>(ci), pick, xs[pick] - off, raw, sm[pick], c.series->times()[pick], px};
    }
  }
  return best;
}

void PlotCanvas::zoom_at(QPointF pixel, double fx, double fy) {
  View v = view_;
  const double cx = x_at_pixel(pixel.x()), cy = y_at_pixel(pixel.y());
  v.x_lo = cx - (cx - v.x_lo) * fx;
  v.x_hi = cx + (v.x_hi - cx) * fx;
  v.y_lo = cy - (cy - v.y_lo) * fy;
  v.y_hi = cy + (v.y_hi - cy) * fy;
  if (v.x_hi - v.x_lo > 1e-12 && v.y_hi - v.y_lo > 1e-300) manual_ = v, view_ = v;
}

void PlotCanvas::pan_pixels(QPointF d) {
  View v = view_;
  const double dx = -d.x() / last_plot_rect_.width() * (v.x_hi - v.x_lo);
  const double dy = d.y() / last_plot_rect_.height() * (v.y_hi - v.y_lo);
  v.x_lo += dx, v.x_hi += dx, v.y_lo += dy, v.y_hi += dy;
  manual_ = v;
  view_ = v;
}

void PlotCanvas::zoom_to_pixels(const QRectF& r) {
  const QRectF n = r.normalized();
  if (n.width() < 4 || n.height() < 4) return;
  View v;
  v.x_lo = x_at_pixel(n.left());
  v.x_hi = x_at_pixel(n.right());
  v.y_lo = y_at_pixel(n.bottom());
  v.y_hi = y_at_pixel(n.top());
  manual_ = v;
  view_ = v;
}

}  // namespace trit::monitor

#include "widgets/axis_format.h"

#include <QDateTime>

#include <cmath>

namespace trit::monitor {

QString format_number(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? QStringLiteral("nan") : (v > 0 ? "inf" : "-inf");
  const double a = std::abs(v);
  if (a == 0.0) return QStringLiteral("0");
  if (a >= 1e9) return QString::number(v / 1e9, 'g', 4) + "G";
  if (a >= 1e6) return QString::number(v / 1e6, 'g', 4) + "M";
  if (a >= 1e4) return QString::number(v / 1e3, 'g', 4) + "k";
  if (a < 1e-3) return QString::number(v, 'e', 2);
  return QString::number(v, 'g', 4);
}

QString format_duration(double s) {
  if (!std::isfinite(s)) return QStringLiteral("?");
  const double a = std::abs(s);
  const QString sign = s < 0 ? "-" : "";
  if (a < 120) return sign + QString::number(a, 'g', 3) + "s";
  if (a < 7200) return sign + QString::number(a / 60, 'g', 3) + "m";
  if (a < 172800) return sign + QString::number(a / 3600, 'g', 3) + "h";
  return sign + QString::number(a / 86400, 'g', 3) + "d";
}

QString format_wall_time(double t, double step) {
  if (!std::isfinite(t)) return QStringLiteral("?");
  const auto dt = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::llround(t * 1000.0)));
  if (step < 60) return dt.toString("HH:mm:ss");
  if (step < 86400) return dt.toString("HH:mm");
  return dt.toString("MMM d");
}

QString format_eta(double s) {
  if (!std::isfinite(s) || s < 0) return QString();
  const long long total = static_cast<long long>(std::llround(s));
  const long long d = total / 86400, h = (total / 3600) % 24, m = (total / 60) % 60, sec = total % 60;
  if (d > 0) return QString("%1d %2h").arg(d).arg(h);
  if (h > 0) return QString("%1h %2m").arg(h).arg(m);
  if (m > 0) return QString("%1m %2s").arg(m).arg(sec);
  return QString("%1s").arg(sec);
}

QString format_clock_duration(double s) {
  if (!std::isfinite(s)) return QStringLiteral("?");
  if (std::abs(s) < 1.0 && s != 0.0) return QString::number(s, 'g', 3) + "s";
  const QString sign = s < 0 ? "-" : "";
  long long t = std::llround(std::abs(s));
  const long long d = t / 86400, h = (t / 3600) % 24, m = (t / 60) % 60, sec = t % 60;
  auto pair = [&](long long a, const char* ua, long long b, const char* ub) {
    return sign + QString::number(a) + ua + (b ? QString::number(b) + ub : QString());
  };
  if (d > 0) return pair(d, "d", h, "h");
  if (h > 0) return pair(h, "h", m, "m");
  if (m > 0) return pair(m, "m", sec, "s");
  return sign + QString::number(sec) + "s";
}

}  // namespace trit::monitor

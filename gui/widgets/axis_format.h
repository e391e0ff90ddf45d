#pragma once
// Tick labels for the plot axes: compact numbers (1.2k, 3M), durations (90s, 12m, 3.5h)
// and wall-clock times.
#include <QString>

namespace trit::monitor {

QString format_number(double v);              // 0.000123 -> "1.23e-4", 12000 -> "12k"
QString format_duration(double seconds);      // 5400 -> "1.5h"
QString format_wall_time(double epoch_seconds, double tick_step);  // "14:05:30" / "14:05" / "Nov 21"
QString format_eta(double seconds);           // 3725 -> "1h 2m"
QString format_clock_duration(double seconds); // tick labels: 90 -> "1m30s", 5400 -> "1h30m"

}  // namespace trit::monitor

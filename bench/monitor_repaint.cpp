// bench/monitor_repaint: how long trit-monitor's plot takes to repaint N points, and how
// much memory a series holds per million points.
//
// For N in {10k, 100k, 1M} (or the sizes given as arguments): one run with a train/loss
// series of N points (decreasing loss plus noise and a few spikes), painted by PlotCanvas
// into an offscreen 1200x600 QImage, with the raw curve faint beneath the smoothed one
// (smoothing 0.6, 5th-95th percentile auto-range, as the window does by default). Prints the
// median and minimum wall time and median thread CPU time of 15 repaints (after one warm-up
// paint that fills the smoothing cache
// and block summaries) and the resident-memory growth per million points from building the
// series, and after plotting it (smoothed copy and summaries included).
#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "model/series.h"
#include "widgets/plot_canvas.h"

using namespace trit::monitor;

namespace {

double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (4096.0 / (1024.0 * 1024.0));
}

struct Result {
  double median_ms, min_ms, cpu_median_ms;
};

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

// Wall time per repaint, and this thread's CPU time: on a shared machine the wall time
// also counts the time other jobs held the core, the CPU time does not.
Result time_paint(PlotCanvas& canvas, int repeats) {
  QImage img(1200, 600, QImage::Format_ARGB32_Premultiplied);
  std::vector<double> ms, cpu;
  for (int r = 0; r <= repeats; ++r) {
    const double c0 = thread_cpu_ms();
    const auto t0 = std::chrono::steady_clock::now();
    QPainter p(&img);
    canvas.paint(p, QRectF(0, 0, img.width(), img.height()));
    p.end();
    const auto t1 = std::chrono::steady_clock::now();
    const double c1 = thread_cpu_ms();
    const double wall = std::chrono::duration<double, std::milli>(t1 - t0).count();
    if (r > 0) ms.push_back(wall), cpu.push_back(c1 - c0);  // r = 0 warms up
    if (std::getenv("BENCH_VERBOSE")) std::fprintf(stderr, "%.2f/%.2f ", wall, c1 - c0);
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu.begin(), cpu.end());
  return {ms[ms.size() / 2], ms.front(), cpu[cpu.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
  setenv("QT_QPA_PLATFORM", "offscreen", 0);
  QGuiApplication app(argc, argv);
  std::vector<long> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atol(argv[i]));
  if (sizes.empty()) sizes = {10000, 100000, 1000000};
  std::printf("%10s %10s %8s %14s %18s %19s\n", "points", "median_ms", "min_ms", "cpu_median_ms",
              "series_MiB_per_1M", "plotted_MiB_per_1M");
  for (long n : sizes) {
    std::mt19937 rng(42);
    std::normal_distribution<double> noise(0.0, 0.05);
    const double before = resident_mib();
    Series s("train/loss");
    s.reserve(static_cast<size_t>(n));
    for (long i = 0; i < n; ++i) {
      double loss = 2.0 + 3.0 * std::exp(-5.0 * i / n) + noise(rng);
      if (i % 99991 == 5000) loss += 4.0;  // rare spikes the decimation must keep
      s.append(i, 1763700000.0 + 0.05 * i, 4096.0 * i, loss);
    }
    const double mib = resident_mib() - before;
    PlotCanvas canvas;
    canvas.set_title("train loss");
    canvas.set_curves({{"bench", &s, QColor(0x1f, 0x77, 0xb4), 1763700000.0}});
    canvas.set_settings(PlotSettings{});
    const Result r = time_paint(canvas, 15);
    // Plotting adds the smoothed copy and the block summaries.
    const double plotted = resident_mib() - before;
    std::printf("%10ld %10.2f %8.2f %14.2f %18.1f %19.1f\n", n, r.median_ms, r.min_ms, r.cpu_median_ms,
                mib * 1e6 / n, plotted * 1e6 / n);
  }
  return 0;
}

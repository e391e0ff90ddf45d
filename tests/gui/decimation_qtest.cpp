// Per-pixel min/max decimation keeps every column's extremes; visible ranges; percentile
// auto-range; and, end to end, a single spike among a million points is painted.
#include <QImage>
#include <QPainter>
#include <QtTest>

#include <cmath>
#include <map>
#include <random>

#include "model/decimation.h"
#include "model/value_range.h"
#include "widgets/plot_canvas.h"

using namespace trit::monitor;

class DecimationTest : public QObject {
  Q_OBJECT
 private slots:
  void keeps_min_and_max_of_every_column() {
    std::mt19937 rng(11);
    std::normal_distribution<double> noise(0, 1);
    const size_t n = 200000;
    std::vector<double> xs(n), ys(n);
    for (size_t i = 0; i < n; ++i) xs[i] = static_cast<double>(i), ys[i] = noise(rng);
    ys[123457] = NAN;
    const ColumnMapping map{0.0, 640.0 / n};
    const auto keep = decimate_min_max(xs.data(), ys.data(), 0, n, map, false);
    QVERIFY(keep.size() <= 4 * 640);
    QVERIFY(std::is_sorted(keep.begin(), keep.end()));
    // Reference: extremes per column from all points.
    std::map<long long, std::pair<double, double>> want, got;
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(ys[i])) continue;
      const long long c = static_cast<long long>(std::floor(xs[i] * map.columns_per_x));
      auto [it, fresh] = want.try_emplace(c, ys[i], ys[i]);
      if (!fresh) it->second = {std::min(it->second.first, ys[i]), std::max(it->second.second, ys[i])};
    }
    for (size_t i : keep) {
      QVERIFY(std::isfinite(ys[i]));
      const long long c = static_cast<long long>(std::floor(xs[i] * map.columns_per_x));
      auto [it, fresh] = got.try_emplace(c, ys[i], ys[i]);
      if (!fresh) it->second = {std::min(it->second.first, ys[i]), std::max(it->second.second, ys[i])};
    }
    QCOMPARE(got.size(), want.size());
    for (const auto& [c, mm] : want) {
      QCOMPARE(got[c].first, mm.first);
      QCOMPARE(got[c].second, mm.second);
    }
    // First and last points of the data are kept, so the line reaches both ends.
    QCOMPARE(keep.front(), size_t(0));
    QCOMPARE(keep.back(), n - 1);
  }

  void block_summaries_give_the_same_points() {
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0, 1);
    std::uniform_int_distribution<int> pick(0, 99);
    const size_t n = 100003;  // not a multiple of the block size
    std::vector<double> xs(n), ys(n);
    for (size_t i = 0; i < n; ++i) {
      xs[i] = 3.0 * static_cast<double>(i);
      ys[i] = noise(rng);
      if (pick(rng) == 0) ys[i] = NAN;
      if (pick(rng) == 1) ys[i] = INFINITY;
    }
    for (size_t i = 5000; i < 5200; ++i) ys[i] = NAN;  // whole blocks without a finite value
    MinMaxBlocks blocks;
    // Built in two steps, as a growing series is.
    std::vector<double> head(ys.begin(), ys.begin() + 50000);
    blocks.update(head, 0);
    blocks.update(ys, 0);
    QCOMPARE(blocks.covered(), (n / MinMaxBlocks::kBlock) * MinMaxBlocks::kBlock);
    for (double width : {7.0, 640.0, 1999.0, 90000.0, 400000.0})
      for (bool log : {false, true})
        for (auto [b, e] : {std::pair<size_t, size_t>{0, n}, {1234, 98765}, {64, 128}}) {
          const ColumnMapping map{xs[b] - 1.5, width / (xs[e - 1] - xs[b])};
          const auto slow = decimate_min_max(xs.data(), ys.data(), b, e, map, log);
          const auto fast = decimate_min_max(xs.data(), ys.data(), b, e, map, log, &blocks);
          QCOMPARE(fast, slow);
        }
    // A new generation (points removed) rebuilds from scratch.
    ys.resize(1000);
    blocks.update(ys, 1);
    QCOMPARE(blocks.covered(), size_t(960));
  }

  void small_columns_keep_everything_and_log_skips_non_positive() {
    const std::vector<double> xs = {0, 1, 2, 3, 4}, ys = {1, -1, 0, 2, 3};
    auto all = decimate_min_max(xs.data(), ys.data(), 0, 5, {0.0, 1.0}, false);
    QCOMPARE(all, (std::vector<size_t>{0, 1, 2, 3, 4}));
    auto positive = decimate_min_max(xs.data(), ys.data(), 0, 5, {0.0, 1.0}, true);
    QCOMPARE(positive, (std::vector<size_t>{0, 3, 4}));
  }

  void visible_range_adds_a_neighbour_each_side() {
    const std::vector<double> xs = {NAN, 0, 10, 20, 30, 40};
    auto [b, e] = visible_range(xs, 15, 32);
    QCOMPARE(b, size_t(2));
    QCOMPARE(e, size_t(6));
    auto [b2, e2] = visible_range(xs, -100, 100);
    QCOMPARE(b2, size_t(1));
    QCOMPARE(e2, size_t(6));
  }

  void percentiles() {
    // 0..19 and one outlier 1000: 21 values, p5 at position 1, p95 at position 19.
    std::vector<double> v;
    for (int i = 0; i < 20; ++i) v.push_back(i);
    v.push_back(1000);
    v.push_back(NAN);  // ignored
    QCOMPARE(*percentile(v, 5), 1.0);
    QCOMPARE(*percentile(v, 95), 19.0);
    QCOMPARE(*percentile(v, 0), 0.0);
    QCOMPARE(*percentile(v, 100), 1000.0);
    // Between order statistics it interpolates linearly (numpy's default):
    // [1,2,3,4] p50 -> position 1.5 -> 2.5; p10 -> position 0.3 -> 1.3.
    QCOMPARE(*percentile({4, 1, 3, 2}, 50), 2.5);
    QVERIFY(std::abs(*percentile({4, 1, 3, 2}, 10) - 1.3) < 1e-12);
    QVERIFY(!percentile({NAN}, 50).has_value());

    auto robust = percentile_range({{v.data(), v.size()}}, 5, 95, false);
    QCOMPARE(robust->lo, 1.0);
    QCOMPARE(robust->hi, 19.0);
    auto full = percentile_range({{v.data(), v.size()}}, 0, 100, false);
    QCOMPARE(full->hi, 1000.0);
    // On a log axis only positive values count: 0 is left out.
    auto positive = percentile_range({{v.data(), v.size()}}, 0, 100, true);
    QCOMPARE(positive->lo, 1.0);
    const Range padded = pad_range({1.0, 19.0}, 0.05, false);
    QCOMPARE(padded.lo, 0.1);
    QCOMPARE(padded.hi, 19.9);
  }

  void clock_ticks() {
    // 0..200 s, at most 5 ticks: 50 s steps are not clock steps, 60 s are.
    QCOMPARE(time_ticks(0, 200, 5, 0), (std::vector<double>{0, 60, 120, 180}));
    // Aligned to whole minutes of local time: offset 30 s shifts the grid.
    QCOMPARE(time_ticks(0, 200, 5, 30), (std::vector<double>{30, 90, 150}));
    // Hours.
    QCOMPARE(time_ticks(1000, 20000, 6, 0), (std::vector<double>{3600, 7200, 10800, 14400, 18000}));
  }

  void spike_in_a_million_points_is_painted() {
    const size_t n = 1000000;
    Series s("train/loss");
    s.reserve(n);
    for (size_t i = 0; i < n; ++i) s.append(static_cast<long long>(i), NAN, NAN, i == 654321 ? 100.0 : 1.0 + 1e-3 * std::sin(i * 0.01));
    PlotCanvas canvas;
    canvas.set_curves({{"run", &s, QColor(255, 0, 0), 0.0}});
    PlotSettings settings;
    settings.smoothing = 0.0;
    settings.ignore_outliers = false;  // the spike sets the top of the range
    canvas.set_settings(settings);
    QImage img(800, 400, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&img);
    canvas.paint(p, QRectF(0, 0, 800, 400));
    p.end();
    const QRectF pr = canvas.plot_rect(QRectF(0, 0, 800, 400));
    const int spike_x = static_cast<int>(canvas.to_pixel(654321.0, 100.0).x());
    const int spike_y = static_cast<int>(canvas.to_pixel(654321.0, 100.0).y());
    QVERIFY(spike_y > pr.top() && spike_y < pr.top() + 40);
    int red = 0;
    for (int x = spike_x - 2; x <= spike_x + 2; ++x)
      for (int y = spike_y - 2; y <= spike_y + 2; ++y) {
        const QColor c = img.pixelColor(x, y);
        if (c.red() > 150 && c.green() < 120 && c.blue() < 120) ++red;
      }
    QVERIFY2(red > 0, "the spike's column has no curve colour near the top");
  }
};

QTEST_MAIN(DecimationTest)
#include "decimation_qtest.moc"

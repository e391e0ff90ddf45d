// The plot widget's interaction (wheel zoom, drag pan, double-click reset, crosshair hit
// test) and the main window (plots per scalar, regex filter, config differences, exports).
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <sstream>

#include "gui_test_util.h"
#include "model/run_monitor.h"
#include "widgets/main_window.h"
#include "widgets/plot_widget.h"

using namespace trit::monitor;
using namespace trit::monitor::testing;

class PlotWidgetTest : public QObject {
  Q_OBJECT
 private slots:
  void zoom_pan_reset_and_hit_test() {
    Series s("train/loss");
    for (int i = 0; i <= 100; ++i) s.append(i, 1000.0 + i, 10.0 * i, 100.0 - i);
    PlotWidget w;
    w.canvas().set_curves({{"run-x", &s, QColor(0x1f, 0x77, 0xb4), 1000.0}});
    PlotSettings settings;
    settings.smoothing = 0.0;
    settings.ignore_outliers = false;
    w.canvas().set_settings(settings);
    w.resize(600, 400);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.grab();  // paints once: the view is the automatic one
    QVERIFY(!w.canvas().manual_view());
    const auto full = w.canvas().view();
    QCOMPARE(full.x_lo, 0.0);
    QCOMPARE(full.x_hi, 100.0);

    // The crosshair finds the point under the mouse: x = 50 -> value 50.
    const QPointF at = w.canvas().to_pixel(50.0, 50.0);
    const auto hit = w.canvas().hit_test(at);
    QVERIFY(hit.has_value());
    QCOMPARE(hit->value, 50.0);
    QCOMPARE(hit->time, 1050.0);
    QCOMPARE(s.steps()[hit->index], 50.0);

    // Hovering draws the crosshair and tooltip over the cached plot.
    const QImage plain = w.grab().toImage();
    QMouseEvent hover(QEvent::MouseMove, at, w.mapToGlobal(at), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &hover);
    const QImage hovered = w.grab().toImage();
    QVERIFY(plain != hovered);
    QCOMPARE(hovered.pixelColor(at.toPoint()).name(), QColor(0x1f, 0x77, 0xb4).name());  // the marker dot
    QEvent leave(QEvent::Leave);
    QApplication::sendEvent(&w, &leave);
    QVERIFY(w.grab().toImage() == plain);

    // Wheel up zooms in about the cursor.
    QWheelEvent wheel(at, w.mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(&w, &wheel);
    QVERIFY(w.canvas().manual_view());
    const auto zoomed = w.canvas().view();
    QVERIFY(zoomed.x_hi - zoomed.x_lo < 100.0);
    QVERIFY(zoomed.x_lo < 50.0 && zoomed.x_hi > 50.0);

    // Dragging left by 100 px moves the view right.
    QTest::mousePress(&w, Qt::LeftButton, Qt::NoModifier, at.toPoint());
    QMouseEvent move(QEvent::MouseMove, at - QPointF(100, 0), w.mapToGlobal(at - QPointF(100, 0)), Qt::NoButton,
                     Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &move);
    QTest::mouseRelease(&w, Qt::LeftButton, Qt::NoModifier, (at - QPointF(100, 0)).toPoint());
    QVERIFY(w.canvas().view().x_lo > zoomed.x_lo);

    // Double-click returns to the automatic view.
    QTest::mouseDClick(&w, Qt::LeftButton, Qt::NoModifier, at.toPoint());
    w.grab();
    QVERIFY(!w.canvas().manual_view());
    QCOMPARE(w.canvas().view().x_hi, 100.0);

    // Relative time axis: x is seconds since the run's first record.
    settings.x_axis = XAxis::RelativeTime;
    w.canvas().set_settings(settings);
    w.invalidate();
    w.grab();
    QCOMPARE(w.canvas().view().x_lo, 0.0);
    QCOMPARE(w.canvas().view().x_hi, 100.0);
    settings.x_axis = XAxis::Tokens;
    w.canvas().set_settings(settings);
    w.invalidate();
    w.grab();
    QCOMPARE(w.canvas().view().x_hi, 1000.0);
  }

  void main_window_filter_config_and_exports() {
    QTemporaryDir tmp;
    QDir root(tmp.path());
    for (const char* name : {"alpha", "beta", "gamma"}) {
      QVERIFY(root.mkpath(QString("runs/") + name));
      const std::string d = root.filePath(QString("runs/") + name).toStdString();
      const std::string val = std::string(name) == "alpha" ? "2.5" : std::string(name) == "beta" ? "1.5" : "3.5";
      write_file(d + "/metrics.jsonl", train_line(1, 3.0) + train_line(2, 2.0) + "{\"step\":2,\"split\":\"val\",\"loss\":" +
                                           val + ",\"bpb\":3.6,\"moe_aux\":0.1}\n");
      write_file(d + "/config.json", std::string("{\"max_steps\":10,\"model\":{\"n_layers\":") +
                                         (std::string(name) == "beta" ? "8" : "4") + "}}");
    }
    RunMonitor monitor;
    monitor.add_root(root.filePath("runs").toStdString());
    MainWindow window(monitor);
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    // One plot per scalar, the known ones first, unknown fields as extra plots.
    const auto order = window.plot_order();
    QCOMPARE(order.front(), std::string("train/loss"));
    QCOMPARE(order[1], std::string("val/loss"));
    QCOMPARE(order[2], std::string("val/bpb"));
    QVERIFY(std::find(order.begin(), order.end(), "val/moe_aux") != order.end());
    QCOMPARE(window.plots().at("train/loss")->canvas().curves().size(), size_t(3));

    // Sorting by a column orders the runs by value (found order before).
    QCOMPARE(window.visible_runs()[0]->name(), std::string("runs/alpha"));
    auto* table = window.findChild<QTableView*>();
    QVERIFY(table);
    table->sortByColumn(RunsTableModel::ValLoss, Qt::AscendingOrder);
    QCOMPARE(window.visible_runs()[0]->name(), std::string("runs/beta"));
    QCOMPARE(window.visible_runs()[2]->name(), std::string("runs/gamma"));
    table->sortByColumn(RunsTableModel::Name, Qt::AscendingOrder);

    // The regex filter narrows the runs and the curves.
    auto* filter = window.findChild<QLineEdit*>();
    QVERIFY(filter);
    filter->setText("a$");  // alpha, beta, gamma all end in a ...
    QCOMPARE(window.visible_runs().size(), size_t(3));
    filter->setText("^runs/(alpha|beta)$");
    QCOMPARE(window.visible_runs().size(), size_t(2));
    QCOMPARE(window.plots().at("train/loss")->canvas().curves().size(), size_t(2));
    filter->setText("(");  // invalid: no filtering, no crash
    QCOMPARE(window.visible_runs().size(), size_t(3));
    filter->setText("^runs/(alpha|beta)$");

    // The config panel compares the visible runs and marks n_layers as differing.
    auto* tree = window.findChild<QTreeWidget*>();
    QVERIFY(tree);
    bool found = false;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
      auto* item = tree->topLevelItem(i);
      if (item->text(0) == "model.n_layers") {
        found = true;
        QVERIFY(item->font(0).bold());
        QCOMPARE(item->text(1), QString("4"));
        QCOMPARE(item->text(2), QString("8"));
      } else if (item->text(0) == "max_steps") {
        QVERIFY(!item->font(0).bold());
      }
    }
    QVERIFY(found);

    // Exports: CSV of the visible runs, PNG of the plots.
    const QString csv = root.filePath("out.csv");
    QVERIFY(window.export_csv(csv));
    std::ifstream in(csv.toStdString());
    std::stringstream ss;
    ss << in.rdbuf();
    QVERIFY(ss.str().find("runs/alpha,train/loss,2,") != std::string::npos);
    QVERIFY(ss.str().find("runs/gamma") == std::string::npos);
    const QString png = root.filePath("plots.png");
    QVERIFY(window.export_png(png));
    QImage img(png);
    QVERIFY(!img.isNull() && img.width() > 100);

    // A run whose file is rewritten shorter is re-read; the plots follow without dangling.
    const std::string alpha = root.filePath("runs/alpha/metrics.jsonl").toStdString();
    write_file(alpha, train_line(1, 9.0));
    monitor.refresh();
    window.grab();
    const auto& curves = window.plots().at("train/loss")->canvas().curves();
    QCOMPARE(curves.size(), size_t(2));
    QCOMPARE(curves[0].series->size(), size_t(1));
    QCOMPARE(curves[0].series->values()[0], 9.0);
    QVERIFY(window.plots().at("val/loss")->canvas().curves().size() == 1);  // alpha has no val now
  }
};

QTEST_MAIN(PlotWidgetTest)
#include "plot_widget_qtest.moc"

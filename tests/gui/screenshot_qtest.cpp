// End to end: a synthetic run folder (a few thousand points of a decreasing noisy loss),
// `trit-monitor --screenshot`, and the PNG's pixels: not blank, and the first run's curve
// colour present in the plot area (right of the runs table).
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>
#include <set>

#include "gui_test_util.h"
#include "model/run_colors.h"

using namespace trit::monitor;
using namespace trit::monitor::testing;

namespace {

int run_monitor(const QStringList& args, QString* err) {
  QProcess p;
  p.start(TRIT_MONITOR_EXE, args);
  if (!p.waitForFinished(60000)) return -1;
  *err = QString::fromLocal8Bit(p.readAllStandardError());
  return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

bool near(QRgb a, QRgb b, int tol) {
  return std::abs(qRed(a) - qRed(b)) <= tol && std::abs(qGreen(a) - qGreen(b)) <= tol &&
         std::abs(qBlue(a) - qBlue(b)) <= tol;
}

}  // namespace

class ScreenshotTest : public QObject {
  Q_OBJECT
 private slots:
  void screenshot_shows_the_curve() {
    QTemporaryDir tmp;
    QDir root(tmp.path());
    QVERIFY(root.mkpath("runs/synthetic"));
    std::mt19937 rng(3);
    std::normal_distribution<double> noise(0.0, 0.05);
    std::string lines;
    for (int s = 1; s <= 4000; ++s) {
      const double loss = 2.0 + 3.0 * std::exp(-s / 800.0) + noise(rng);
      lines += "{\"step\":" + std::to_string(s) + ",\"time\":" + std::to_string(1763700000.0 + 0.05 * s) +
               ",\"split\":\"train\",\"loss\":" + std::to_string(loss) + ",\"tokens\":" + std::to_string(s * 4096) + "}\n";
    }
    write_file(root.filePath("runs/synthetic/metrics.jsonl").toStdString(), lines);
    write_file(root.filePath("runs/synthetic/config.json").toStdString(), R"({"max_steps":10000})");
    const QString png = root.filePath("shot.png");
    QString err;
    const int rc = run_monitor({root.filePath("runs"), "--screenshot", png, "--width", "1200", "--height", "800"}, &err);
    QVERIFY2(rc == 0, qPrintable(err));
    QImage img(png);
    QVERIFY2(!img.isNull(), "screenshot is not a readable PNG");
    QCOMPARE(img.size(), QSize(1200, 800));
    img = img.convertToFormat(QImage::Format_RGB32);

    std::set<QRgb> distinct;
    const QRgb curve = 0xff000000u | run_color_rgb(0);
    int curve_pixels = 0;
    for (int y = 0; y < img.height(); ++y) {
      const QRgb* row = reinterpret_cast<const QRgb*>(img.constScanLine(y));
      for (int x = 0; x < img.width(); ++x) {
        if (distinct.size() < 1000) distinct.insert(row[x]);
        // The plots fill the right part of the window; the table's swatch is on the left.
        if (x > img.width() * 45 / 100 && near(row[x], curve, 24)) ++curve_pixels;
      }
    }
    QVERIFY2(distinct.size() > 20, "screenshot looks blank");
    QVERIFY2(curve_pixels > 400, qPrintable(QString("only %1 curve-coloured pixels in the plot area").arg(curve_pixels)));
  }

  void missing_folder_is_a_clear_error() {
    QString err;
    const int rc = run_monitor({"/nonexistent/trit-runs", "--screenshot", "/tmp/never.png"}, &err);
    QVERIFY(rc != 0);
    QVERIFY2(err.contains("/nonexistent/trit-runs") && err.contains("no such folder"), qPrintable(err));
  }

  void unwritable_screenshot_is_an_error() {
    QTemporaryDir tmp;
    QString err;
    const int rc = run_monitor({tmp.path(), "--screenshot", tmp.filePath("no/such/dir/x.png")}, &err);
    QVERIFY(rc != 0);
    QVERIFY2(err.contains("x.png"), qPrintable(err));
  }
};

QTEST_GUILESS_MAIN(ScreenshotTest)
#include "screenshot_qtest.moc"

// trit-monitor: live plots of every training run found under the given folders.
// Thin program: argument parsing and start-up; the logic lives in gui/model and gui/widgets.
#include <QApplication>

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "model/run_monitor.h"
#include "widgets/main_window.h"

namespace {

constexpr const char* kExamples = R"(Examples:
  trit-monitor runs/                      every run below runs/, updated live
  trit-monitor runs/a runs/b --stale-minutes 10
  trit-monitor runs/ --x-axis tokens --log-y --smoothing 0.9
  trit-monitor runs/ --screenshot monitor.png   render once offscreen, save, exit
)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"trit-monitor: live plots of trit training runs (metrics.jsonl + config.json)"};
  cli.footer(kExamples);
  cli.set_version_flag("--version", std::string("trit-monitor ") + TRIT_VERSION);
  std::vector<std::string> folders;
  std::string screenshot, x_axis = "step";
  double stale_minutes = 5.0, smoothing = 0.6;
  int poll_ms = 1000, width = 1600, height = 1000;
  bool log_y = false, keep_outliers = false;
  cli.add_option("folders", folders, "Run folders, or folders holding runs at any depth");
  cli.add_option("--screenshot", screenshot, "Render the window offscreen after loading, save it as PNG and exit");
  cli.add_option("--width", width, "Window width for --screenshot")->check(CLI::Range(320, 8000));
  cli.add_option("--height", height, "Window height for --screenshot")->check(CLI::Range(240, 8000));
  cli.add_option("--stale-minutes", stale_minutes, "A run not updated for this long is stale")
      ->check(CLI::PositiveNumber);
  cli.add_option("--poll-ms", poll_ms, "Poll interval for file changes the watcher misses")
      ->check(CLI::Range(50, 600000));
  cli.add_option("--x-axis", x_axis, "step, tokens, relative or wall")
      ->check(CLI::IsMember({"step", "tokens", "relative", "wall"}));
  cli.add_option("--smoothing", smoothing, "TensorBoard smoothing weight, 0 to 0.999")
      ->check(CLI::Range(0.0, 0.999));
  cli.add_flag("--log-y", log_y, "Logarithmic y axes");
  cli.add_flag("--keep-outliers", keep_outliers, "Auto-range over all values, not the 5th-95th percentile");
  cli.allow_extras();  // Qt's own options (-platform, -style, ...) pass through to QApplication
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  for (const auto& extra : cli.remaining())
    if (extra.empty() || extra[0] != '-') folders.push_back(extra);

  for (const auto& f : folders) {
    std::error_code ec;
    if (!std::filesystem::is_directory(f, ec)) {
      std::cerr << "trit-monitor: " << f << ": no such folder\n";
      return 2;
    }
  }
  // A screenshot never needs a display; a window does, and Qt's own failure is an abort.
  const bool has_platform = std::getenv("QT_QPA_PLATFORM") != nullptr;
  if (!screenshot.empty() && !has_platform) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  if (screenshot.empty() && !has_platform && !std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) {
    std::cerr << "trit-monitor: no display (DISPLAY and WAYLAND_DISPLAY are unset); "
                 "use --screenshot FILE for an offscreen render\n";
    return 1;
  }
  QApplication app(argc, argv);
  QApplication::setApplicationName("trit-monitor");
  QApplication::setApplicationVersion(TRIT_VERSION);

  trit::monitor::RunMonitor monitor;
  monitor.set_poll_interval_ms(poll_ms);
  for (const auto& f : folders) monitor.add_root(f);
  monitor.refresh();

  trit::monitor::MainWindow window(monitor);
  window.set_stale_after_seconds(stale_minutes * 60.0);
  trit::monitor::PlotSettings settings;
  settings.x_axis = x_axis == "tokens" ? trit::monitor::XAxis::Tokens
                    : x_axis == "relative" ? trit::monitor::XAxis::RelativeTime
                    : x_axis == "wall" ? trit::monitor::XAxis::WallTime
                                       : trit::monitor::XAxis::Step;
  settings.log_y = log_y;
  settings.ignore_outliers = !keep_outliers;
  settings.smoothing = smoothing;
  window.set_plot_settings(settings);

  if (!screenshot.empty()) {
    window.resize(width, height);
    window.show();
    QApplication::processEvents();
    QApplication::processEvents();
    if (monitor.runs().empty()) std::cerr << "trit-monitor: warning: no runs (metrics.jsonl) found\n";
    if (!window.grab().save(QString::fromStdString(screenshot), "PNG")) {
      std::cerr << "trit-monitor: " << screenshot << ": could not write the screenshot\n";
      return 1;
    }
    return 0;
  }
  window.resize(1500, 950);
  window.show();
  return QApplication::exec();
}

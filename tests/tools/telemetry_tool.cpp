// Test-only: writes telemetry files from lines on stdin, so Python tests can read them back
// with peer readers (TensorBoard's reader, Python's json module).
//
//   trit_test_telemetry_tool events RUN_DIR [--restart-step N]
//     stdin: "<step> <wall_time> <tag> <value>" per line; one TensorBoard events file.
//   trit_test_telemetry_tool metrics RUN_DIR
//     stdin: "<step> <time> <split> [key=value|key=#INT ...]" per line, appended to
//     RUN_DIR/metrics.jsonl (values are doubles: 0.1, nan, inf, -inf; #INT is an integer).
// Prints the path of the file it wrote.
#include <cmath>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>

#include "trit/core/error.h"
#include "trit/telemetry/metrics_writer.h"
#include "trit/telemetry/tensorboard_writer.h"

namespace {

using namespace trit::telemetry;

double parse_double(const std::string& text, int line_no) {
  // strtod, unlike std::stod, accepts subnormals (5e-324) and reads nan, inf, -inf.
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  TRIT_CHECK(!text.empty() && end == text.c_str() + text.size(), "stdin line ", line_no,
             ": bad number '", text, "'");
  return v;
}

std::string write_events(const std::string& run_dir, int argc, char** argv) {
  TensorBoardOptions options;
  options.flush_every_events = 2;  // exercise several write-outs
  if (argc == 5) options.restart_step = std::stoll(argv[4]);
  TensorBoardWriter writer(run_dir, options);
  std::string line;
  int line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (line.empty()) continue;
    std::istringstream in(line);
    long long step;
    double wall_time, value;
    std::string tag;
    TRIT_CHECK(static_cast<bool>(in >> step >> wall_time >> tag >> value), "stdin line ",
               line_no, ": expected '<step> <wall_time> <tag> <value>', got '", line, "'");
    writer.add_scalar(tag, step, value, wall_time);
  }
  writer.close();
  return writer.path().string();
}

std::string write_metrics(const std::string& run_dir) {
  MetricsWriter writer(run_dir);
  std::string line;
  int line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (line.empty()) continue;
    std::istringstream in(line);
    long long step;
    std::string time, split, item;
    TRIT_CHECK(static_cast<bool>(in >> step >> time >> split), "stdin line ", line_no,
               ": expected '<step> <time> <split> [key=value ...]', got '", line, "'");
    MetricsRecord record(step, parse_double(time, line_no), split);
    while (in >> item) {
      size_t eq = item.find('=');
      TRIT_CHECK(eq != std::string::npos, "stdin line ", line_no, ": '", item, "' is not key=value");
      std::string key = item.substr(0, eq), value = item.substr(eq + 1);
      if (!value.empty() && value[0] == '#')
        record.add_int(key, std::stoll(value.substr(1)));
      else
        record.add(key, parse_double(value, line_no));
    }
    writer.write(record);
  }
  return writer.path().string();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string mode = argc >= 3 ? argv[1] : "";
    bool ok = (mode == "events" && (argc == 3 || (argc == 5 && std::string(argv[3]) == "--restart-step"))) ||
              (mode == "metrics" && argc == 3);
    TRIT_CHECK(ok, "usage: ", argv[0], " events RUN_DIR [--restart-step N] < scalars\n       ",
               argv[0], " metrics RUN_DIR < records");
    std::cout << (mode == "events" ? write_events(argv[2], argc, argv) : write_metrics(argv[2])) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

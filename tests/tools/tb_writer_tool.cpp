// Test-only: writes one TensorBoard events file with the scalars given on stdin, so a
// Python test can read it back with TensorBoard's own reader.
//   trit_test_tb_writer RUN_DIR [--restart-step N]
// stdin: one scalar per line, "<step> <wall_time> <tag> <value>" (tag without spaces).
// Prints the path of the file it wrote.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>

#include "trit/core/error.h"
#include "trit/telemetry/tensorboard_writer.h"

int main(int argc, char** argv) {
  using namespace trit::telemetry;
  try {
    TRIT_CHECK(argc == 2 || (argc == 4 && std::string(argv[2]) == "--restart-step"),
               "usage: ", argv[0], " RUN_DIR [--restart-step N] < scalars");
    TensorBoardOptions options;
    options.flush_every_events = 2;  // exercise several write-outs
    if (argc == 4) options.restart_step = std::stoll(argv[3]);
    TensorBoardWriter writer(argv[1], options);
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
    std::cout << writer.path().string() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

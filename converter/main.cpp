// trit-convert: inspects model files (GGUF, safetensors, trit checkpoints).
// Thin by design: parsing options here, everything else in lib/trit/formats.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <string>

#include "trit/core/error.h"
#include "trit/formats/inspect.h"

namespace {

struct Options {
  std::string inspect_path;
  size_t max_array_items = 16;
};

void add_inspect_options(CLI::App& app, Options& o) {
  app.add_option("--inspect", o.inspect_path,
                 "Print the metadata and tensor table of a GGUF, safetensors or checkpoint file")
      ->type_name("FILE");
  app.add_option("--max-array-items", o.max_array_items,
                 "Arrays longer than this are shown as their length only")
      ->capture_default_str();
}

int run(const Options& o) {
  if (!o.inspect_path.empty()) {
    trit::formats::inspect_file(o.inspect_path, std::cout, {o.max_array_items});
    return 0;
  }
  throw trit::Error("nothing to do: give --inspect FILE (see --help)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"trit-convert: inspect GGUF, safetensors and trit checkpoint files", "trit-convert"};
  app.footer(
      "Examples:\n"
      "  trit-convert --inspect model.gguf\n"
      "  trit-convert --inspect model.safetensors --max-array-items 4\n"
      "  trit-convert --inspect runs/demo/checkpoints/step_1000.h5");
  app.set_version_flag("--version", std::string("trit-convert ") + TRIT_VERSION);
  Options options;
  add_inspect_options(app, options);
  CLI11_PARSE(app, argc, argv);
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "trit-convert: " << e.what() << "\n";
    return 1;
  }
}

// trit-train: train a model from a JSON config plus --key=value overrides.
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "trit/core/blas_kernels.h"
#include "trit/core/error.h"
#include "trit/train/train_config.h"
#include "trit/train/trainer.h"

namespace {

void on_signal(int sig) {
  trit::train::Trainer::request_stop();
  std::signal(sig, SIG_DFL);  // a second signal stops at once
}

const char* kExamples = R"(examples:
  trit-train --config trainer/configs/tinyshakespeare_bitnet.json --data.path=data.h5
  trit-train --config base.json --train.max_steps=2000 --optim.lr=1e-3 --run.name=lr1e-3
  trit-train --resume runs/lr1e-3 --train.max_steps=4000
Ctrl-C (SIGINT) or SIGTERM writes a checkpoint and exits; --resume continues bit-identically.
)";

}  // namespace

int main(int argc, char** argv) {
  trit::select_blas_kernels(argv);
  CLI::App app{"trit-train: train BitNet b1.58 and full-precision language models"};
  app.footer(std::string(kExamples) + "\nconfiguration keys (--key=value):\n" + trit::train::train_schema().help_table());
  app.allow_extras();
  std::string config_path, resume;
  bool print_config = false;
  app.add_option("--config", config_path, "JSON config file (keys as below, nested by section)");
  app.add_option("--resume", resume, "run folder to continue from its latest checkpoint");
  app.add_flag("--print-config", print_config, "print the resolved configuration and exit");
  app.set_version_flag("--version", std::string("trit-train ") + TRIT_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    const std::vector<std::string> overrides = app.remaining();
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::unique_ptr<trit::train::Trainer> trainer;
    if (!resume.empty()) {
      TRIT_CHECK(config_path.empty(), "give either --config or --resume, not both (a resumed run uses its saved config)");
      trainer = trit::train::Trainer::resume(resume, overrides, std::cout);
    } else {
      const trit::config::Config config = trit::train::train_schema().resolve_file(config_path, overrides);
      std::cout << config.to_table() << std::flush;
      if (print_config) return 0;
      trainer = trit::train::Trainer::start(config, std::cout);
    }
    trainer->run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "trit-train: error: " << e.what() << "\n";
    return 1;
  }
}

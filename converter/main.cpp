// trit-convert: converts trit checkpoints, GGUF and safetensors models to GGUF (f32 ... tq2_0)
// or safetensors, and inspects model files. Thin by design: parsing options here, everything
// else in lib/trit/convert and lib/trit/formats.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "trit/convert/convert.h"
#include "trit/core/error.h"
#include "trit/formats/inspect.h"
#include "trit/formats/quant_type.h"
#include "trit/telemetry/progress.h"

namespace {

struct Options {
  std::string inspect_path;
  size_t max_array_items = 16;
  std::string input, output, type, format, embedding_type, fallback_type;
  std::vector<std::string> keep;
  bool dry_run = false, stats = false, allow_requantize = false, force = false;
  int threads = 0;
};

void add_options(CLI::App& app, Options& o) {
  app.add_option("INPUT", o.input,
                 "trit checkpoint (.h5) or run folder, GGUF file, or safetensors file/folder with config.json");
  app.add_option("-o,--output", o.output, "Output file (default: INPUT's name + -TYPE.gguf beside it)");
  app.add_option("-t,--type", o.type, "Output type: f32 f16 bf16 q8_0 q4_0 q4_k_s q4_k_m tq1_0 tq2_0 (any case)");
  app.add_option("--format", o.format, "gguf or safetensors (default: from the output's extension, else gguf)");
  app.add_option("--embedding-type", o.embedding_type, "Type of token_embd (default: the type policy's)");
  app.add_option("--keep", o.keep, "Keep tensors whose GGUF name matches this regex in F32 (repeatable)")
      ->type_name("REGEX");
  app.add_option("--fallback-type", o.fallback_type,
                 "Type for matrices whose rows do not fit the target's blocks (e.g. q8_0 for tq types)");
  app.add_flag("--allow-requantize", o.allow_requantize, "Quantize tensors already stored in a lossy type again");
  app.add_flag("--force", o.force, "Write a GGUF even where llama.cpp would compute a different model (relu2 FFN)");
  app.add_flag("--dry-run", o.dry_run, "Print the plan (tensor, shape, type, bytes) and the total; write nothing");
  app.add_flag("--stats", o.stats, "Print the RMSE and max abs error of each quantized tensor");
  app.add_option("--threads", o.threads, "Threads for quantization (0: all)")->capture_default_str();
  app.add_option("--inspect", o.inspect_path,
                 "Print the metadata and tensor table of a GGUF, safetensors or checkpoint file")
      ->type_name("FILE");
  app.add_option("--max-array-items", o.max_array_items, "With --inspect: arrays longer than this show their length")
      ->capture_default_str();
}

int run(const Options& o) {
  if (!o.inspect_path.empty()) {
    trit::formats::inspect_file(o.inspect_path, std::cout, {o.max_array_items});
    return 0;
  }
  if (o.input.empty()) throw trit::Error("nothing to do: give INPUT and --type, or --inspect FILE (see --help)");
  if (o.type.empty()) throw trit::Error("give the output type with --type (f32 f16 bf16 q8_0 q4_0 q4_k_s q4_k_m tq1_0 tq2_0)");
  trit::convert::ConvertRequest r;
  r.input = o.input;
  r.output = o.output;
  r.format = o.format;
  r.plan.type = trit::convert::parse_target_type(o.type);
  if (!o.embedding_type.empty()) r.plan.embedding_type = trit::parse_quant_type(o.embedding_type);
  if (!o.fallback_type.empty()) r.plan.fallback_type = trit::parse_quant_type(o.fallback_type);
  r.plan.keep = o.keep;
  r.plan.allow_requantize = o.allow_requantize;
  r.plan.force = o.force;
  r.dry_run = o.dry_run;
  r.stats = o.stats;
  r.threads = o.threads;
  r.terminal = trit::telemetry::is_terminal(stdout);
  trit::convert::run_convert(r, std::cout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"trit-convert: convert trit checkpoints, GGUF and safetensors models; inspect model files",
               "trit-convert"};
  app.footer(
      "Examples:\n"
      "  trit-convert runs/demo --type tq2_0                    # latest checkpoint -> runs/demo/demo-tq2_0.gguf\n"
      "  trit-convert runs/demo/checkpoints/step_1000.h5 -o m.gguf --type q4_k_m --stats\n"
      "  trit-convert m-f32.gguf -o m-q8.gguf --type Q8_0       # requantize a GGUF\n"
      "  trit-convert hf_model/ -o m.gguf --type tq1_0 --dry-run\n"
      "  trit-convert runs/demo --type f32 -o demo.safetensors\n"
      "  trit-convert --inspect model.gguf --max-array-items 4\n"
      "See docs/formats.md for the type policy and how a trit BitNet is stored in GGUF.");
  app.set_version_flag("--version", std::string("trit-convert ") + TRIT_VERSION);
  Options options;
  add_options(app, options);
  CLI11_PARSE(app, argc, argv);
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "trit-convert: " << e.what() << "\n";
    return 1;
  }
}

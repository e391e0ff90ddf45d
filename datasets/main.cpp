// trit-data: turns text corpora into tokenised HDF5 datasets and shows what is inside them.
// All the work is done in lib/trit/data (prepare.h, inspect.h); this file parses arguments.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "progress_line.h"
#include "trit/core/error.h"
#include "trit/data/dataset_file.h"
#include "trit/data/inspect.h"
#include "trit/data/prepare.h"

namespace {

using namespace trit::data;

constexpr const char* kExamples = R"(
Examples:
  trit-data prepare --input shakespeare.txt --output shakespeare.h5
  trit-data prepare --input corpus/ --output corpus.h5 --tokenizer bpe:4096 --val-fraction 0.05
  trit-data prepare --input a.bin b.bin --output raw.h5 --encoding bytes --compress 4
  trit-data inspect corpus.h5
)";

int run_prepare(const PrepareOptions& opt, trit::data_cli::ProgressLine& line) {
  auto report = prepare_dataset(opt, [&](const char* phase, int64_t done, int64_t total) {
    std::string p(phase);
    line.update(p == "bpe-merge" ? "BPE merges" : p == "bpe-count" ? "BPE word count" : "encode",
                done, total, p == "bpe-merge" ? "tokens" : "B");
  });
  line.finish();
  std::printf("wrote %s: %s, %lld files, %lld bytes\n", opt.output.c_str(),
              report.tokenizer.c_str(), static_cast<long long>(report.n_files),
              static_cast<long long>(report.total_bytes));
  for (auto [name, info] : {std::pair{"train", report.train}, std::pair{"val", report.val}})
    std::printf("  %-5s %lld tokens, %lld bytes\n", name, static_cast<long long>(info.n_tokens),
                static_cast<long long>(info.n_bytes));
  if (report.bpe_sample_bytes > 0)
    std::printf("  BPE trained on %lld bytes: word count %.2f s, merges %.2f s\n",
                static_cast<long long>(report.bpe_sample_bytes), report.bpe_count_seconds,
                report.bpe_merge_seconds);
  std::printf("  encoding and writing: %.2f s (%.1f MB/s)\n", report.encode_seconds,
              report.encode_seconds > 0
                  ? static_cast<double>(report.total_bytes) / 1e6 / report.encode_seconds
                  : 0.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"trit-data: tokenised HDF5 datasets for trit-train and trit-eval"};
  app.footer(kExamples);
  app.set_version_flag("--version", std::string("trit-data ") + TRIT_VERSION);
  app.require_subcommand(1);

  PrepareOptions opt;
  double sample_mb = 64;
  auto* prepare = app.add_subcommand("prepare", "tokenise text files into a dataset file");
  prepare->add_option("--input,-i", opt.inputs, "input files or folders (read recursively)")
      ->required();
  prepare->add_option("--output,-o", opt.output, "dataset file to write (HDF5)")->required();
  prepare->add_option("--tokenizer", opt.tokenizer,
                      "bytes (256 ids) or bpe:N (byte-level BPE with N ids, trained here)")
      ->capture_default_str();
  prepare->add_option("--val-fraction", opt.val_fraction,
                      "share of the stream's bytes (its end) that becomes the val split")
      ->capture_default_str();
  prepare->add_option("--encoding", opt.encoding,
                      "utf8 (check that inputs are UTF-8) or bytes (accept anything)")
      ->check(CLI::IsMember({"utf8", "bytes"}))
      ->capture_default_str();
  prepare->add_option("--bpe-sample-mb", sample_mb,
                      "train BPE on the first this many MB of the train split")
      ->capture_default_str();
  prepare->add_option("--compress", opt.compression, "deflate level 0-9 for the token arrays")
      ->check(CLI::Range(0, 9))
      ->capture_default_str();
  prepare->footer(kExamples);

  std::string inspect_path;
  int64_t sample_tokens = 48;
  auto* inspect = app.add_subcommand("inspect", "print a summary of a dataset file");
  inspect->add_option("file", inspect_path, "dataset file")->required();
  inspect->add_option("--sample", sample_tokens, "train tokens to decode and show")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  trit::data_cli::ProgressLine line;
  try {
    if (*prepare) {
      opt.bpe_sample_bytes = static_cast<int64_t>(sample_mb * 1e6);
      return run_prepare(opt, line);
    }
    DatasetFile file(inspect_path);
    std::cout << describe_dataset(file, sample_tokens);
    return 0;
  } catch (const std::exception& e) {
    line.finish();
    std::fprintf(stderr, "trit-data: error: %s\n", e.what());
    return 1;
  }
}

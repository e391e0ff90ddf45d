#pragma once
// One conversion as trit-convert runs it: load the input, plan, print the plan (--dry-run)
// or write the output with progress, and report the error of each quantized tensor
// (--stats). The program (converter/main.cpp) only parses arguments into a ConvertRequest.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "trit/convert/export.h"
#include "trit/convert/plan.h"

namespace trit::convert {

struct ConvertRequest {
  std::filesystem::path input;
  std::filesystem::path output;  // empty: next to the input (default_output)
  std::string format;            // "", "gguf" or "safetensors"; empty: from the output's extension
  PlanOptions plan;
  bool dry_run = false;
  bool stats = false;
  int threads = 0;
  bool terminal = false;  // progress redrawn in place (a terminal) or plain lines
};

struct ConvertResult {
  Plan plan;
  std::filesystem::path output;
  std::vector<TensorStats> stats;
  double seconds = 0;        // load + convert + write
  uint64_t input_bytes = 0;  // size of the input file(s)
};

// "<input stem>-<type>.gguf" beside the input (inside a run folder for a run folder).
std::filesystem::path default_output(const std::filesystem::path& input, TargetType type, OutputFormat format);
// gguf unless `format` says otherwise or the output ends in .safetensors; throws for others.
OutputFormat resolve_format(const std::string& format, const std::filesystem::path& output);

// Runs it; the plan, warnings, progress and stats go to `out`. Throws trit::Error on any
// problem, before writing anything when the problem is in the plan, and never overwrites the
// input.
ConvertResult run_convert(const ConvertRequest& request, std::ostream& out);

}  // namespace trit::convert

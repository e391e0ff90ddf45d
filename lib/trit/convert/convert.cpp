// One trit-convert run (see convert.h).
#include "trit/convert/convert.h"
#include "trit/convert/trix.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>

#include "trit/convert/source.h"
#include "trit/core/error.h"
#include "trit/telemetry/progress.h"

namespace trit::convert {
namespace {

uint64_t input_size(const std::filesystem::path& p) {
  std::error_code ec;
  if (!std::filesystem::is_directory(p)) return std::filesystem::file_size(p, ec);
  uint64_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(p))
    if (e.is_regular_file() && e.path().extension() == ".safetensors") n += e.file_size(ec);
  return n;
}

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  if (std::filesystem::exists(a) && std::filesystem::exists(b)) return std::filesystem::equivalent(a, b, ec);
  return std::filesystem::weakly_canonical(a, ec) == std::filesystem::weakly_canonical(b, ec);
}

}  // namespace

std::filesystem::path default_output(const std::filesystem::path& input, TargetType type, OutputFormat format) {
  const std::string ext = format == OutputFormat::gguf ? ".gguf" : ".safetensors";
  std::filesystem::path in = input;
  if (in.filename().empty()) in = in.parent_path();  // "run/" -> "run"
  const std::string stem = in.stem().string() + "-" + std::string(target_name(type)) + ext;
  if (std::filesystem::is_directory(in)) return in / (in.filename().string() + "-" + std::string(target_name(type)) + ext);
  return in.parent_path() / stem;
}

OutputFormat resolve_format(const std::string& format, const std::filesystem::path& output) {
  if (format == "gguf") return OutputFormat::gguf;
  if (format == "safetensors") return OutputFormat::safetensors;
  TRIT_CHECK(format.empty(), "unknown --format '", format, "' (expected gguf or safetensors)");
  return output.extension() == ".safetensors" ? OutputFormat::safetensors : OutputFormat::gguf;
}

ConvertResult run_convert(const ConvertRequest& request, std::ostream& out) {
  const auto t0 = std::chrono::steady_clock::now();
  ConvertResult result;
  PlanOptions po = request.plan;
  po.format = resolve_format(request.format, request.output);
  result.output = request.output.empty() ? default_output(request.input, po.type, po.format) : request.output;
  // Never write over the input (or the checkpoint a run folder points at).
  TRIT_CHECK(!same_file(result.output, request.input), "output ", result.output.string(),
             " is the input file; give another -o");
  if (detect_source(request.input) == SourceKind::checkpoint)
    TRIT_CHECK(!same_file(result.output, resolve_checkpoint(request.input)), "output ", result.output.string(),
               " is the input checkpoint; give another -o");
  TRIT_CHECK(!std::filesystem::is_directory(result.output), "output ", result.output.string(), " is a folder");
  if (detect_source(request.input) == SourceKind::checkpoint &&
      export_trix_checkpoint(resolve_checkpoint(request.input), result.output, po, request.dry_run, out)) {
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
  }

  const ConvModel model = load_source(request.input);
  result.input_bytes = input_size(detect_source(request.input) == SourceKind::checkpoint
                                      ? resolve_checkpoint(request.input)
                                      : request.input);
  result.plan = make_plan(model, po);
  for (const std::string& w : result.plan.warnings) out << w << "\n";
  if (request.dry_run) {
    out << "plan for " << result.output.string() << " (" << target_name(po.type) << ", "
        << (po.format == OutputFormat::gguf ? "GGUF" : "safetensors") << "):\n";
    print_plan(result.plan, out);
    return result;
  }

  telemetry::ProgressOptions popt;
  popt.total = int64_t(result.plan.tensors.size());
  popt.label = "convert";
  popt.unit = "tensor";
  popt.terminal = request.terminal;
  popt.plain_every_steps = 1000000;
  popt.plain_every_seconds = 10;
  telemetry::Progress progress(out, popt);
  ExportOptions eo;
  eo.n_threads = request.threads;
  eo.stats = request.stats;
  eo.on_tensor = [&](int64_t done, int64_t) { progress.update(done); };
  result.stats = export_model(model, result.plan, result.output, eo);
  progress.finish();
  if (po.format == OutputFormat::safetensors) {
    // Hugging Face loaders want config.json beside the weights; never replace an existing one.
    const std::filesystem::path cfg =
        (result.output.has_parent_path() ? result.output.parent_path() : std::filesystem::path(".")) / "config.json";
    if (std::filesystem::exists(cfg)) {
      out << "note: " << cfg.string() << " exists and was left as it is (the model's config is in the file's "
          << "trit.hf_config metadata)\n";
    } else {
      std::ofstream f(cfg);
      f << hf_config(model).dump(2) << "\n";
      TRIT_CHECK(f.good(), cfg.string(), ": cannot write");
      out << "wrote " << cfg.string() << "\n";
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (request.stats) {
    size_t w = 6;
    for (const TensorStats& s : result.stats) w = std::max(w, s.name.size());
    out << std::left << std::setw(int(w)) << "tensor" << "  " << std::setw(12) << "rmse" << "  max_abs\n";
    for (const TensorStats& s : result.stats) {
      char buf[80];
      std::snprintf(buf, sizeof buf, "%-12.6g  %.6g", s.rmse, s.max_abs);
      out << std::left << std::setw(int(w)) << s.name << "  " << buf << "\n";
    }
  }
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.1f", result.seconds > 0 ? double(result.input_bytes) / 1e6 / result.seconds : 0.0);
  out << "wrote " << result.output.string() << ": " << result.plan.tensors.size() << " tensors, "
      << human_bytes(std::filesystem::file_size(result.output)) << " (" << target_name(po.type) << ") in "
      << std::fixed << std::setprecision(2) << result.seconds << " s, " << rate << " MB/s of input\n"
      << std::defaultfloat;
  return result;
}

}  // namespace trit::convert

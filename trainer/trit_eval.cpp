// trit-eval: loss, bits per byte and perplexity of a checkpoint or a GGUF file on a dataset
// split; generation from a prompt; prompt and generation speed. A .gguf runs on the CPU
// runtime (lib/trit/runtime), a checkpoint on the training-side model.
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "trit/core/blas_kernels.h"
#include "trit/core/error.h"
#include "trit/core/parallel.h"
#include "trit/data/dataset_file.h"
#include "trit/data/sampler.h"
#include "trit/runtime/runtime_eval.h"
#include "trit/runtime/runtime_model.h"
#include "trit/runtime/speculative.h"
#include "trit/telemetry/progress.h"
#include "trit/train/checkpoint_io.h"
#include "trit/train/eval_bench.h"
#include "trit/train/evaluate.h"
#include "trit/train/generate.h"

namespace {

const char* kExamples = R"(examples:
  trit-eval runs/shakespeare --data data.h5                 # val loss, bits per byte, perplexity
  trit-eval runs/shakespeare/checkpoints/step_2000.h5 --data data.h5 --split train --max-windows 100
  trit-eval runs/shakespeare --prompt "ROMEO:" --max-new-tokens 200 --temperature 0.8 --seed 7
  trit-eval runs/shakespeare --bench --threads 2
  trit-eval model.gguf --data data.h5 --seq-len 256           # the same numbers on the runtime
  trit-eval model.gguf --prompt "ROMEO:" --temperature 0 --threads 2
  trit-eval model.gguf --bench --threads 2
  trit-eval model.gguf --prompt "ROMEO:" --temperature 0 --speculative-layers 2 --draft 4
  trit-eval model.gguf --data data.h5 --device cuda          # ternary projections on the GPU
MODEL is a checkpoint (.h5), a run folder (its latest checkpoint) or a GGUF file (.gguf) of the
bitnet, llama or trix architecture. For a GGUF the default --seq-len is the file's context length.
)";

std::filesystem::path resolve_model(const std::string& model) {
  const std::filesystem::path p(model);
  if (std::filesystem::is_directory(p)) {
    const auto latest = trit::formats::latest_checkpoint(p);
    TRIT_CHECK(latest.has_value(), model, ": the run folder has no checkpoint yet");
    return *latest;
  }
  TRIT_CHECK(std::filesystem::exists(p), model, ": no such file or folder");
  return p;
}

struct EvalArgs {
  std::string data_path, split = "val", prompt;
  int64_t seq_len = 0, batch_size = 8, max_windows = -1, max_new = 128, threads = 0;
  trit::train::SamplingOptions sampling;
  bool bench = false;
  size_t speculative_layers = 0, draft_tokens = 4;
  std::string kv_cache = "f32";
  std::string device = "cpu";
};

// A progress bar on a terminal (nothing otherwise), started at the first report.
void report_progress(std::optional<trit::telemetry::Progress>& bar, int64_t done, int64_t total) {
  if (!trit::telemetry::is_terminal(stderr)) return;
  if (!bar) {
    trit::telemetry::ProgressOptions po;
    po.label = "eval";
    po.unit = "window";
    po.terminal = true;
    po.plain_every_steps = 1 << 30;
    po.total = total;
    bar.emplace(std::cerr, po);
  }
  bar->update(done);
}

void print_eval(const std::string& split, int64_t seq_len, const trit::train::EvalResult& r) {
  std::printf("%s split: %lld tokens in windows of %lld, %.1f s\n", split.c_str(), (long long)r.n_tokens,
              (long long)seq_len, r.seconds);
  std::printf("loss = %.5f +/- %.5f nats/token\nbits per byte = %.5f\n", r.loss, r.loss_stderr, r.bpb);
  std::printf("Final estimate: PPL = %.4f +/- %.5f\n", r.ppl, r.ppl_stderr);
}

// A GGUF model on the CPU runtime.
int run_gguf(const std::filesystem::path& path, EvalArgs& a) {
  trit::runtime::RuntimeOptions ro;
  ro.n_threads = size_t(a.threads);
  ro.kv_f16 = a.kv_cache == "f16";
  ro.device = trit::parse_device(a.device);
  trit::runtime::RuntimeModel model(path, ro);
  const auto& hp = model.hparams();
  std::unique_ptr<trit::data::Tokenizer> tokenizer;
  if (model.tokenizer()) tokenizer = trit::data::make_tokenizer(*model.tokenizer(), path.string());
  std::cerr << "model: " << path.string() << " (" << hp.arch_name() << ", d " << hp.d_model << ", " << hp.n_layers
            << " layers, vocab " << hp.n_vocab << ", " << model.n_ternary_layers() << " ternary projections, "
            << model.n_threads() << " threads, tokenizer " << (tokenizer ? tokenizer->name() : "none") << ")\n";
  if (model.device().is_cuda()) {
    std::cerr << "device: ternary projections on " << model.device().str() << " ("
              << model.device_bytes() / (1 << 20) << " MiB of weights), the rest on the CPU\n";
  }
  if (a.seq_len == 0) a.seq_len = int64_t(model.n_ctx());
  bool did_something = false;
  if (!a.data_path.empty()) {
    trit::data::DatasetFile dataset(a.data_path);
    TRIT_CHECK(dataset.n_vocab() <= hp.n_vocab, a.data_path, ": the dataset's vocabulary (", dataset.n_vocab(),
               " tokens) does not fit the model's (", hp.n_vocab, ")");
    if (tokenizer) {
      const auto& mine = dataset.tokenizer_spec().tokens;
      const auto& theirs = tokenizer->spec().tokens;
      TRIT_CHECK(mine.size() <= theirs.size() && std::equal(mine.begin(), mine.end(), theirs.begin()), a.data_path,
                 ": the dataset's tokenizer differs from the GGUF file's");
    }
    const auto s = trit::data::parse_split(a.split);
    trit::data::TokenSplit tokens(dataset, s);
    const auto& info = dataset.split(s);
    const double bytes_per_token = info.n_tokens ? double(info.n_bytes) / double(info.n_tokens) : 1.0;
    std::optional<trit::telemetry::Progress> bar;
    const auto r = trit::runtime::evaluate_split(model, tokens, bytes_per_token, a.seq_len, a.max_windows,
                                                 [&](int64_t done, int64_t total) { report_progress(bar, done, total); });
    if (bar) bar->finish();
    print_eval(a.split, a.seq_len, r);
    did_something = true;
  }
  if (!a.prompt.empty()) {
    TRIT_CHECK(tokenizer != nullptr, path.string(), ": the file has no gpt2 tokenizer, so --prompt cannot be encoded");
    const auto ids = tokenizer->encode(a.prompt);
    std::cout << a.prompt << std::flush;
    trit::train::GenerationStats stats;
    auto print_token = [&](int32_t id) { std::cout << tokenizer->decode(std::span<const int32_t>(&id, 1)) << std::flush; };
    auto rate = [](int64_t n, double s) { return s > 0 ? double(n) / s : 0.0; };
    if (a.speculative_layers == 0) {
      trit::runtime::generate(model, ids, a.max_new, a.sampling, print_token, &stats);
      std::cout << "\n" << std::flush;
    } else {
      trit::runtime::SpeculativeStats spec;
      const auto out = trit::runtime::generate_speculative(model, ids, a.max_new, a.sampling,
                                                           {a.speculative_layers, a.draft_tokens}, print_token, &stats,
                                                           &spec);
      std::cout << "\n" << std::flush;
      // The baseline: plain generation of the same tokens (its output is identical by design).
      trit::train::GenerationStats plain_stats;
      const auto plain = trit::runtime::generate(model, ids, a.max_new, a.sampling, {}, &plain_stats);
      const double spec_rate = rate(stats.generated_tokens, stats.generation_seconds);
      const double plain_rate = rate(plain_stats.generated_tokens, plain_stats.generation_seconds);
      std::fprintf(stderr,
                   "[speculative: %zu draft layers, up to %zu draft tokens: acceptance %.1f%% (%lld of %lld), %lld "
                   "verification passes; generation %.1f tokens/s vs plain %.1f tokens/s: speedup %.2fx; output %s]\n",
                   a.speculative_layers, a.draft_tokens, 100.0 * spec.acceptance(), (long long)spec.accepted,
                   (long long)spec.drafted, (long long)spec.verify_passes, spec_rate, plain_rate,
                   plain_rate > 0 ? spec_rate / plain_rate : 0.0, out == plain ? "identical to plain generation" : "DIFFERS");
      TRIT_CHECK(out == plain, "speculative decoding gave other tokens than plain generation (a bug)");
    }
    std::fprintf(stderr, "[%lld prompt tokens, %lld generated, prompt %.1f tokens/s, generation %.1f tokens/s]\n",
                 (long long)stats.prompt_tokens, (long long)stats.generated_tokens,
                 rate(stats.prompt_tokens, stats.prompt_seconds), rate(stats.generated_tokens, stats.generation_seconds));
    did_something = true;
  }
  if (a.bench) {
    trit::train::print_bench(trit::runtime::bench(model), std::cout);
    std::printf("memory: weights %.1f MiB, buffers and KV cache (%zu positions) %.1f MiB\n",
                double(model.weight_bytes()) / (1 << 20), model.n_ctx(), double(model.buffer_bytes()) / (1 << 20));
    did_something = true;
  }
  TRIT_CHECK(did_something, "nothing to do: give --data, --prompt or --bench");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  trit::select_blas_kernels(argv);
  CLI::App app{"trit-eval: evaluate, sample from and time a trit model (checkpoint or GGUF)"};
  app.footer(kExamples);
  std::string model_arg;
  EvalArgs a;
  app.add_option("MODEL", model_arg, "checkpoint file, run folder or .gguf file")->required();
  app.add_option("--data", a.data_path, "dataset file (.h5) to compute loss, bits per byte and perplexity on");
  app.add_option("--split", a.split, "dataset split")->check(CLI::IsMember({"train", "val"}));
  app.add_option("--seq-len", a.seq_len,
                 "tokens per evaluation window (default: the checkpoint's training seq_len, the GGUF's context)");
  app.add_option("--batch-size", a.batch_size, "windows per forward pass (checkpoints)")->check(CLI::PositiveNumber);
  app.add_option("--max-windows", a.max_windows, "evaluate at most this many windows (default: the whole split)");
  app.add_option("--prompt", a.prompt, "generate a continuation of this text");
  app.add_option("--max-new-tokens", a.max_new, "tokens to generate")->check(CLI::NonNegativeNumber);
  app.add_option("--temperature", a.sampling.temperature, "sampling temperature (0: greedy)")->check(CLI::NonNegativeNumber);
  app.add_option("--top-k", a.sampling.top_k, "keep the k most likely tokens (0: off)")->check(CLI::NonNegativeNumber);
  app.add_option("--top-p", a.sampling.top_p, "nucleus sampling mass (1: off)")->check(CLI::Range(0.0, 1.0));
  app.add_option("--seed", a.sampling.seed, "sampling seed");
  app.add_flag("--bench", a.bench, "measure prompt processing and generation tokens/s");
  app.add_option("--threads", a.threads, "CPU threads (default: all cores)")->check(CLI::NonNegativeNumber);
  app.add_option("--speculative-layers", a.speculative_layers,
                 "GGUF --prompt: self-speculative decoding, drafting with the first L layers (0: off)");
  app.add_option("--kv-cache", a.kv_cache,
                 "GGUF: KV cache type; f16 halves attention memory traffic, f32 (default) keeps results equal to the "
                 "training side")
      ->check(CLI::IsMember({"f32", "f16"}));
  app.add_option("--device", a.device,
                 "GGUF: cuda or cuda:N runs the ternary projections on that GPU (same results), the rest on the CPU");
  app.add_option("--draft", a.draft_tokens, "tokens drafted per verification pass (with --speculative-layers)")
      ->check(CLI::PositiveNumber);
  app.set_version_flag("--version", std::string("trit-eval ") + TRIT_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    const auto path = resolve_model(model_arg);
    if (path.extension() == ".gguf") return run_gguf(path, a);
    TRIT_CHECK(trit::parse_device(a.device).is_cpu(), "--device ", a.device,
               ": checkpoints are evaluated on the CPU; a .gguf model can use the GPU");
    TRIT_CHECK(a.speculative_layers == 0, "--speculative-layers needs a .gguf model (the CPU runtime)");
    if (a.threads > 0) trit::set_num_threads(int(a.threads));
    trit::train::LoadedModel loaded = trit::train::load_model_checkpoint(path);
    auto& model = *loaded.model;
    const auto tokenizer = trit::data::make_tokenizer(loaded.tokenizer, path.string());
    std::cerr << "model: " << path.string() << " (" << model.config().family << ", " << model.n_parameters()
              << " parameters, step " << loaded.step << ", tokenizer " << tokenizer->name() << ")\n";
    if (a.seq_len == 0) a.seq_len = loaded.run_config.value("train", nlohmann::json::object()).value("seq_len", model.config().max_seq_len);
    bool did_something = false;
    if (!a.data_path.empty()) {
      trit::data::DatasetFile dataset(a.data_path);
      TRIT_CHECK(dataset.n_vocab() <= model.config().vocab_size, a.data_path, ": the dataset's vocabulary (",
                 dataset.n_vocab(), " tokens) does not fit the model's (", model.config().vocab_size, ")");
      TRIT_CHECK(dataset.tokenizer_spec().tokens == loaded.tokenizer.tokens, a.data_path,
                 ": the dataset's tokenizer differs from the one the model was trained with");
      const auto s = trit::data::parse_split(a.split);
      trit::data::TokenSplit tokens(dataset, s);
      const auto& info = dataset.split(s);
      const double bytes_per_token = info.n_tokens ? double(info.n_bytes) / double(info.n_tokens) : 1.0;
      std::optional<trit::telemetry::Progress> bar;
      const auto r = trit::train::evaluate_split(model, tokens, bytes_per_token, a.seq_len, a.batch_size, a.max_windows,
                                                 [&](int64_t done, int64_t total) { report_progress(bar, done, total); });
      if (bar) bar->finish();
      print_eval(a.split, a.seq_len, r);
      did_something = true;
    }
    if (!a.prompt.empty()) {
      const auto ids = tokenizer->encode(a.prompt);
      std::cout << a.prompt << std::flush;
      trit::train::GenerationStats stats;
      trit::train::generate(model, ids, a.max_new, a.sampling,
                            [&](int32_t id) { std::cout << tokenizer->decode(std::span<const int32_t>(&id, 1)) << std::flush; },
                            &stats);
      std::cout << "\n" << std::flush;
      std::fprintf(stderr, "[%lld prompt tokens, %lld generated, %.1f tokens/s]\n", (long long)stats.prompt_tokens,
                  (long long)stats.generated_tokens,
                  stats.generation_seconds > 0 ? double(stats.generated_tokens) / stats.generation_seconds : 0.0);
      did_something = true;
    }
    if (a.bench) {
      trit::train::print_bench(trit::train::bench_model(model), std::cout);
      did_something = true;
    }
    TRIT_CHECK(did_something, "nothing to do: give --data, --prompt or --bench");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "trit-eval: error: " << e.what() << "\n";
    return 1;
  }
}

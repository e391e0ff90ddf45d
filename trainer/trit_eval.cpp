// trit-eval: loss, bits per byte and perplexity of a checkpoint on a dataset split;
// generation from a prompt; prompt and generation speed.
#include <iostream>

#include <CLI/CLI.hpp>

#include "trit/core/blas_kernels.h"
#include "trit/core/error.h"
#include "trit/core/parallel.h"
#include "trit/data/dataset_file.h"
#include "trit/data/sampler.h"
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
MODEL is a checkpoint (.h5) or a run folder (its latest checkpoint).
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

}  // namespace

int main(int argc, char** argv) {
  trit::select_blas_kernels(argv);
  CLI::App app{"trit-eval: evaluate, sample from and time a trit model"};
  app.footer(kExamples);
  std::string model_arg, data_path, split = "val", prompt;
  int64_t seq_len = 0, batch_size = 8, max_windows = -1, max_new = 128, threads = 0;
  trit::train::SamplingOptions sampling;
  bool bench = false;
  app.add_option("MODEL", model_arg, "checkpoint file or run folder")->required();
  app.add_option("--data", data_path, "dataset file (.h5) to compute loss, bits per byte and perplexity on");
  app.add_option("--split", split, "dataset split")->check(CLI::IsMember({"train", "val"}));
  app.add_option("--seq-len", seq_len, "tokens per evaluation window (default: the model's training seq_len)");
  app.add_option("--batch-size", batch_size, "windows per forward pass")->check(CLI::PositiveNumber);
  app.add_option("--max-windows", max_windows, "evaluate at most this many windows (default: the whole split)");
  app.add_option("--prompt", prompt, "generate a continuation of this text");
  app.add_option("--max-new-tokens", max_new, "tokens to generate")->check(CLI::NonNegativeNumber);
  app.add_option("--temperature", sampling.temperature, "sampling temperature (0: greedy)")->check(CLI::NonNegativeNumber);
  app.add_option("--top-k", sampling.top_k, "keep the k most likely tokens (0: off)")->check(CLI::NonNegativeNumber);
  app.add_option("--top-p", sampling.top_p, "nucleus sampling mass (1: off)")->check(CLI::Range(0.0, 1.0));
  app.add_option("--seed", sampling.seed, "sampling seed");
  app.add_flag("--bench", bench, "measure prompt processing and generation tokens/s");
  app.add_option("--threads", threads, "CPU threads (default: all cores)")->check(CLI::NonNegativeNumber);
  app.set_version_flag("--version", std::string("trit-eval ") + TRIT_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (threads > 0) trit::set_num_threads(int(threads));
    const auto path = resolve_model(model_arg);
    trit::train::LoadedModel loaded = trit::train::load_model_checkpoint(path);
    auto& model = *loaded.model;
    const auto tokenizer = trit::data::make_tokenizer(loaded.tokenizer, path.string());
    std::cerr << "model: " << path.string() << " (" << model.config().family << ", " << model.n_parameters()
              << " parameters, step " << loaded.step << ", tokenizer " << tokenizer->name() << ")\n";
    if (seq_len == 0) seq_len = loaded.run_config.value("train", nlohmann::json::object()).value("seq_len", model.config().max_seq_len);
    bool did_something = false;
    if (!data_path.empty()) {
      trit::data::DatasetFile dataset(data_path);
      TRIT_CHECK(dataset.n_vocab() <= model.config().vocab_size, data_path, ": the dataset's vocabulary (",
                 dataset.n_vocab(), " tokens) does not fit the model's (", model.config().vocab_size, ")");
      TRIT_CHECK(dataset.tokenizer_spec().tokens == loaded.tokenizer.tokens, data_path,
                 ": the dataset's tokenizer differs from the one the model was trained with");
      const auto s = trit::data::parse_split(split);
      trit::data::TokenSplit tokens(dataset, s);
      const auto& info = dataset.split(s);
      const double bytes_per_token = info.n_tokens ? double(info.n_bytes) / double(info.n_tokens) : 1.0;
      trit::telemetry::ProgressOptions po;
      po.label = "eval";
      po.unit = "window";
      po.terminal = trit::telemetry::is_terminal(stderr);
      po.plain_every_steps = 1 << 30;
      std::optional<trit::telemetry::Progress> bar;
      const auto r = trit::train::evaluate_split(model, tokens, bytes_per_token, seq_len, batch_size, max_windows,
                                                 [&](int64_t done, int64_t total) {
                                                   if (!po.terminal) return;
                                                   if (!bar) {
                                                     po.total = total;
                                                     bar.emplace(std::cerr, po);
                                                   }
                                                   bar->update(done);
                                                 });
      if (bar) bar->finish();
      std::printf("%s split: %lld tokens in windows of %lld, %.1f s\n", split.c_str(), (long long)r.n_tokens,
                  (long long)seq_len, r.seconds);
      std::printf("loss = %.5f +/- %.5f nats/token\nbits per byte = %.5f\n", r.loss, r.loss_stderr, r.bpb);
      std::printf("Final estimate: PPL = %.4f +/- %.5f\n", r.ppl, r.ppl_stderr);
      did_something = true;
    }
    if (!prompt.empty()) {
      const auto ids = tokenizer->encode(prompt);
      std::cout << prompt << std::flush;
      trit::train::GenerationStats stats;
      trit::train::generate(model, ids, max_new, sampling,
                            [&](int32_t id) { std::cout << tokenizer->decode(std::span<const int32_t>(&id, 1)) << std::flush; },
                            &stats);
      std::cout << "\n" << std::flush;
      std::fprintf(stderr, "[%lld prompt tokens, %lld generated, %.1f tokens/s]\n", (long long)stats.prompt_tokens,
                  (long long)stats.generated_tokens,
                  stats.generation_seconds > 0 ? double(stats.generated_tokens) / stats.generation_seconds : 0.0);
      did_something = true;
    }
    if (bench) {
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

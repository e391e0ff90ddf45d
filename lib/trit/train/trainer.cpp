#include "trit/train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <limits>
#include <optional>
#include <iostream>
#include <ostream>
#include <sstream>

#include "trit/autograd/autocast.h"
#include "trit/core/blas_kernels.h"
#include "trit/core/accelerator.h"
#include "trit/core/parallel.h"
#include "trit/data/dataset_file.h"
#include "trit/data/sampler.h"
#include "trit/formats/checkpoint.h"
#include "trit/models/registry.h"
#include "trit/ops/ops.h"
#include "trit/optim/adamw.h"
#include "trit/optim/clip.h"
#include "trit/optim/loss_scale.h"
#include "trit/optim/schedule.h"
#include "trit/optim/sgd.h"
#include "trit/telemetry/progress.h"
#include "trit/telemetry/run_metrics.h"
#include "trit/train/checkpoint_io.h"
#include "trit/train/evaluate.h"
#include "trit/train/train_config.h"

namespace trit::train {
namespace {

std::atomic<bool> g_stop{false};

double wall_time() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string clock_text(double seconds) {
  const int64_t s = int64_t(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60), (long long)(s % 60));
  return buf;
}

// The learning rate (and, for the two-stage schedule, weight decay) of update `step`.
struct Schedule {
  std::string kind;
  optim::WarmupCosine cosine;
  optim::WarmupLinear linear;
  optim::WarmupConstant constant;
  optim::BitNetTwoStage two_stage;

  explicit Schedule(const config::Config& c) : kind(c.get_string("optim.schedule")) {
    const double lr = c.get_float("optim.lr"), min_lr = c.get_float("optim.min_lr");
    const int64_t warmup = c.get_int("optim.warmup_steps"), total = c.get_int("train.max_steps");
    cosine = {lr, min_lr, warmup, total};
    linear = {lr, min_lr, warmup, total};
    constant = {lr, warmup};
    two_stage.stage1_peak_lr = lr;
    two_stage.stage1_end_lr = lr * 2.0 / 3.0;
    two_stage.stage2_peak_lr = c.get_float("optim.stage2_lr") > 0 ? c.get_float("optim.stage2_lr") : lr * 2.0 / 3.0;
    two_stage.stage2_end_lr = min_lr;
    two_stage.peak_weight_decay = c.get_float("optim.weight_decay");
    two_stage.warmup_steps = warmup;
    two_stage.total_steps = total;
  }
  double lr(int64_t step) const {
    if (kind == "cosine") return cosine.lr(step);
    if (kind == "linear") return linear.lr(step);
    if (kind == "constant") return constant.lr(step);
    return two_stage.lr(step);
  }
  bool schedules_weight_decay() const { return kind == "bitnet_two_stage"; }
};

}  // namespace

std::filesystem::path run_dir_of(const config::Config& c) {
  return std::filesystem::path(c.get_string("run.dir")) / c.get_string("run.name");
}

struct Trainer::Impl {
  config::Config config;
  std::ostream& out;
  std::filesystem::path run_dir;
  bool resumed = false;

  std::unique_ptr<data::DatasetFile> dataset;
  std::unique_ptr<data::TokenSplit> train_tokens, val_tokens;
  std::unique_ptr<data::BatchSampler> sampler;
  std::shared_ptr<models::LanguageModel> model;
  std::unique_ptr<optim::Optimizer> optimizer;
  optim::AdamW* adamw = nullptr;
  std::unique_ptr<Schedule> schedule;
  std::unique_ptr<telemetry::RunMetrics> metrics;
  TrainProgress progress;
  int64_t B = 0, T = 0, accum = 1, max_steps = 0;
  Device device;
  // train.amp: the forward's autocast type (none: no autocast) and, for fp16, the loss scaler.
  std::optional<DType> amp;
  std::optional<optim::DynamicLossScaler> scaler;
  double val_bytes_per_token = 1;

  Impl(config::Config c, std::ostream& o) : config(std::move(c)), out(o) {}

  void setup(const formats::Checkpoint* ckpt) {
    const int threads = int(config.get_int("run.threads"));
    if (threads > 0) set_num_threads(threads);
    device = parse_device(config.get_string("run.device"));
    if (device.is_cuda()) require_cuda("run.device=" + config.get_string("run.device"));  // no GPU: its one-sentence reason
    const std::string data_path = config.get_string("data.path");
    TRIT_CHECK(!data_path.empty(), "data.path is not set: give a dataset made by `trit-data prepare`, e.g. --data.path=data.h5");
    dataset = std::make_unique<data::DatasetFile>(data_path);
    train_tokens = std::make_unique<data::TokenSplit>(*dataset, data::Split::train);
    val_tokens = std::make_unique<data::TokenSplit>(*dataset, data::Split::val);
    const auto& vs = dataset->split(data::Split::val);
    val_bytes_per_token = vs.n_tokens ? double(vs.n_bytes) / double(vs.n_tokens) : 1.0;
    B = config.get_int("train.batch_size");
    T = config.get_int("train.seq_len");
    accum = config.get_int("train.grad_accum");
    max_steps = config.get_int("train.max_steps");
    const std::string amp_name = config.get_string("train.amp");
    if (amp_name == "bf16") amp = DType::bf16;
    if (amp_name == "fp16") {
      amp = DType::f16;
      scaler.emplace();  // float16 gradients underflow without it; bf16 has float32's range
    }
    TRIT_CHECK(train_tokens->size() > T + 1, data_path, ": the train split has ", train_tokens->size(),
               " tokens, too few for train.seq_len ", T);

    const models::ModelConfig mc = model_config_from(config, dataset->n_vocab());
    Generator init(uint64_t(config.get_int("run.seed")));
    model = models::create_model(mc, init);
    model->to(device);  // before the optimizer, whose state is made where the parameters live
    model->train();

    if (config.get_string("optim.name") == "adamw") {
      optim::AdamWConfig ac;
      ac.lr = config.get_float("optim.lr");
      ac.beta1 = config.get_float("optim.beta1");
      ac.beta2 = config.get_float("optim.beta2");
      ac.eps = config.get_float("optim.eps");
      ac.weight_decay = config.get_float("optim.weight_decay");
      auto a = std::make_unique<optim::AdamW>(model->parameters(), ac);
      adamw = a.get();
      optimizer = std::move(a);
    } else {
      optim::SGDConfig sc;
      sc.lr = config.get_float("optim.lr");
      sc.momentum = config.get_float("optim.momentum");
      sc.weight_decay = config.get_float("optim.weight_decay");
      optimizer = std::make_unique<optim::SGD>(model->parameters(), sc);
    }
    TRIT_CHECK(config.get_string("optim.schedule") == "constant" || config.get_int("optim.warmup_steps") < max_steps,
               "optim.warmup_steps (", config.get_int("optim.warmup_steps"), ") must be smaller than train.max_steps (",
               max_steps, ") for the ", config.get_string("optim.schedule"), " schedule");
    schedule = std::make_unique<Schedule>(config);

    const uint64_t seed = uint64_t(config.get_int("run.seed"));
    progress.dropout_rng = Generator(seed ^ 0x5851f42d4c957f2dull);
    progress.sampler = {seed, 0};
    if (ckpt) restore_checkpoint(*ckpt, *model, *optimizer, progress, run_dir.string());
    if (scaler && !progress.loss_scale.empty()) scaler->load_state_dict(progress.loss_scale);
    sampler = std::make_unique<data::BatchSampler>(*train_tokens, B, T, progress.sampler);

    telemetry::RunMetricsOptions mo;
    if (resumed) mo.restart_step = progress.step + 1;
    metrics = std::make_unique<telemetry::RunMetrics>(run_dir, mo);
  }

  void write_config() {
    nlohmann::json j = config.to_json();
    j["trit_version"] = TRIT_VERSION;
    const auto path = run_dir / "config.json";
    const auto tmp = run_dir / "config.json.tmp";
    {
      std::ofstream f(tmp);
      f << j.dump(2) << "\n";
      TRIT_CHECK(f.good(), tmp.string(), ": cannot write the run's config");
    }
    std::filesystem::rename(tmp, path);
  }

  std::filesystem::path save_checkpoint() {
    progress.sampler = sampler->state();
    if (scaler) progress.loss_scale = scaler->state_dict();
    const auto ckpt = make_checkpoint(config.to_json(), *model, *optimizer, progress, dataset->tokenizer_spec());
    const auto path = formats::write_checkpoint_atomically(run_dir, ckpt);
    prune_checkpoints();
    return path;
  }

  // Keeps the newest checkpoint.keep checkpoints (never the one latest names).
  void prune_checkpoints() {
    const int64_t keep = config.get_int("checkpoint.keep");
    if (keep <= 0) return;
    std::vector<std::pair<int64_t, std::filesystem::path>> found;
    for (const auto& e : std::filesystem::directory_iterator(run_dir / "checkpoints")) {
      const std::string name = e.path().filename().string();
      if (name.rfind("step_", 0) == 0 && e.path().extension() == ".h5") {
        try {
          found.emplace_back(std::stoll(name.substr(5)), e.path());
        } catch (const std::exception&) {
        }
      }
    }
    std::sort(found.begin(), found.end());
    for (size_t i = 0; i + size_t(keep) < found.size(); ++i) std::filesystem::remove(found[i].second);
  }

  EvalResult evaluate() {
    return evaluate_split(*model, *val_tokens, val_bytes_per_token, T, B, config.get_int("eval.batches") * B);
  }

  void log_eval(const EvalResult& r, std::ostream& o) {
    telemetry::MetricsRecord rec(progress.step, wall_time(), "val");
    rec.add("loss", r.loss).add("bpb", r.bpb).add("ppl", r.ppl).add_int("tokens", progress.tokens);
    metrics->write(rec);
    o << "step " << progress.step << " | val loss " << fmt("%.4f", r.loss) << " | bpb " << fmt("%.4f", r.bpb)
      << " | ppl " << fmt("%.3f", r.ppl) << " | " << fmt("%.1f", r.seconds) << " s\n";
  }

  TrainSummary run(int64_t stop_at_step) {
    TrainSummary summary;
    summary.run_dir = run_dir;
    summary.last_val_loss = std::numeric_limits<double>::quiet_NaN();
    const bool terminal = telemetry::is_terminal(stdout) && &out == &std::cout;
    out << (resumed ? "resuming " : "training ") << model->config().family << " (" << model->n_parameters()
        << " parameters) in " << run_dir.string() << " from step " << progress.step << " to " << max_steps << " ("
        << max_threads() << " threads, BLAS kernels " << blas_kernel_name() << ")\n";
    std::optional<telemetry::Progress> bar;
    if (terminal) {
      telemetry::ProgressOptions po;
      po.total = max_steps;
      po.start = progress.step;
      po.label = "train";
      po.terminal = true;
      bar.emplace(out, po);
    }
    const double budget_s = config.get_float("train.max_minutes") * 60.0;
    const int64_t log_every = config.get_int("train.log_interval");
    const int64_t eval_every = config.get_int("eval.interval");
    const int64_t ckpt_every = config.get_int("checkpoint.interval");
    const double clip = config.get_float("optim.grad_clip");
    const auto t_start = std::chrono::steady_clock::now();
    double train_seconds = 0;
    std::vector<int32_t> windows, in, tg;
    bool checkpoint_fresh = false;
    const int64_t first_step = progress.step;
    while (progress.step < max_steps) {
      if (g_stop.load() || (budget_s > 0 && train_seconds >= budget_s) || progress.step == stop_at_step) {
        summary.stopped_early = true;
        break;
      }
      const auto t0 = std::chrono::steady_clock::now();
      optimizer->set_lr(schedule->lr(progress.step));
      if (adamw && schedule->schedules_weight_decay()) adamw->set_weight_decay(schedule->two_stage.weight_decay(progress.step));
      optimizer->zero_grad();
      double loss_sum = 0;
      for (int64_t micro = 0; micro < accum; ++micro) {
        sampler->next(windows);
        data::split_windows(windows, T, in, tg);
        Tensor loss;
        {
          // Autocast covers the forward only; backward replays the recorded casts.
          std::optional<AutocastGuard> autocast;
          if (amp) autocast.emplace(*amp);
          const Tensor logits = model->forward(Tensor::from_vector(in, {B, T}).to(device));
          loss = cross_entropy(logits.reshape({B * T, logits.size(-1)}), Tensor::from_vector(tg, {B * T}).to(device));
          loss_sum += loss.item();
          const Tensor aux = model->aux_loss();
          if (aux.defined()) loss = loss + aux;
        }
        if (accum > 1) loss = loss * (1.0 / double(accum));
        (scaler ? scaler->scale(loss) : loss).backward();
      }
      const double loss = loss_sum / double(accum);
      // fp16: gradients are divided back by the loss scale; a step with inf/nan ones is skipped
      // (the scale shrinks and the next step tries again).
      const bool finite = scaler ? scaler->unscale(optimizer->params()) : true;
      const double norm = !finite ? std::numeric_limits<double>::infinity()
                          : clip > 0 ? optim::clip_grad_norm(optimizer->params(), clip).norm
                                     : optim::grad_norm(optimizer->params());
      if (finite) optimizer->step();
      if (scaler) scaler->update();
      progress.step += 1;
      progress.tokens += B * T * accum;
      checkpoint_fresh = false;
      const double step_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      train_seconds += step_s;
      const double tok_s = double(B * T * accum) / step_s;
      telemetry::MetricsRecord rec(progress.step, wall_time(), "train");
      rec.add("loss", loss).add("lr", optimizer->lr()).add("grad_norm", norm).add_int("tokens", progress.tokens);
      rec.add("tokens_per_s", tok_s).add("step_ms", step_s * 1e3);
      if (scaler) rec.add("loss_scale", scaler->scale());
      if (progress.step % log_every == 0)
        for (const auto& [key, value] : model->train_stats()) rec.add(key, value);
      metrics->write(rec);
      summary.last_train_loss = loss;
      TRIT_CHECK(std::isfinite(loss), "training diverged at step ", progress.step, ": loss is ", loss,
                 " (lower optim.lr or raise optim.warmup_steps)");
      if (progress.step % log_every == 0 || progress.step == max_steps) {
        const double eta = train_seconds / double(progress.step - first_step) * double(max_steps - progress.step);
        std::ostringstream line;
        line << "step " << std::setw(6) << progress.step << "/" << max_steps << " | loss " << fmt("%.4f", loss) << " | lr "
             << fmt("%.2e", optimizer->lr()) << " | norm " << fmt("%.3f", norm) << " | " << fmt("%.1f", step_s * 1e3)
             << " ms | " << fmt("%.0f", tok_s) << " tok/s | eta " << clock_text(eta);
        if (bar) bar->log(line.str());
        else out << line.str() << "\n" << std::flush;
      }
      if (bar) bar->update(progress.step, "loss " + fmt("%.4f", loss));
      if (eval_every > 0 && progress.step % eval_every == 0 && progress.step < max_steps) {
        const EvalResult r = evaluate();
        summary.last_val_loss = r.loss;
        summary.last_val_bpb = r.bpb;
        std::ostringstream line;
        log_eval(r, line);
        if (bar) bar->log(line.str().substr(0, line.str().size() - 1));
        else out << line.str() << std::flush;
      }
      if (ckpt_every > 0 && progress.step % ckpt_every == 0 && progress.step < max_steps) {
        summary.checkpoint = save_checkpoint();
        checkpoint_fresh = true;
      }
    }
    if (bar) bar->finish();
    if (!summary.stopped_early || progress.step == max_steps) {
      const EvalResult r = evaluate();
      summary.last_val_loss = r.loss;
      summary.last_val_bpb = r.bpb;
      log_eval(r, out);
    }
    if (!checkpoint_fresh) summary.checkpoint = save_checkpoint();
    metrics->close();
    summary.step = progress.step;
    summary.tokens = progress.tokens;
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    out << (summary.stopped_early ? "stopped" : "finished") << " at step " << progress.step << " after "
        << clock_text(total) << "; checkpoint " << summary.checkpoint.string() << "\n";
    if (summary.stopped_early && progress.step < max_steps)
      out << "continue with: trit-train --resume " << run_dir.string() << "\n";
    return summary;
  }
};

Trainer::Trainer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Trainer::~Trainer() = default;

std::unique_ptr<Trainer> Trainer::start(const config::Config& config, std::ostream& out) {
  auto impl = std::make_unique<Impl>(config, out);
  impl->run_dir = run_dir_of(config);
  TRIT_CHECK(!formats::latest_checkpoint(impl->run_dir).has_value(), "run folder ", impl->run_dir.string(),
             " already holds checkpoints: continue it with --resume ", impl->run_dir.string(),
             " or choose another --run.name");
  std::filesystem::create_directories(impl->run_dir);
  impl->setup(nullptr);
  impl->write_config();
  return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
}

std::unique_ptr<Trainer> Trainer::resume(const std::filesystem::path& run_dir, const std::vector<std::string>& overrides,
                                         std::ostream& out) {
  const auto config_path = run_dir / "config.json";
  TRIT_CHECK(std::filesystem::exists(config_path), "--resume ", run_dir.string(), ": no config.json there (is it a run folder?)");
  nlohmann::json saved;
  {
    std::ifstream f(config_path);
    try {
      saved = nlohmann::json::parse(f);
    } catch (const nlohmann::json::exception& e) {
      fail(config_path.string(), ": not valid JSON: ", e.what());
    }
  }
  TRIT_CHECK(saved.is_object(), config_path.string(), ": expected a JSON object");
  saved.erase("trit_version");
  config::Config config = train_schema().resolve(saved, overrides, config_path.string());
  const auto latest = formats::latest_checkpoint(run_dir);
  TRIT_CHECK(latest.has_value(), "--resume ", run_dir.string(), ": the run has no checkpoint yet");
  const formats::Checkpoint ckpt = formats::read_checkpoint(*latest);
  auto impl = std::make_unique<Impl>(config, out);
  impl->run_dir = run_dir;
  impl->resumed = true;
  impl->setup(&ckpt);
  impl->write_config();
  return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
}

TrainSummary Trainer::run(int64_t stop_at_step) { return impl_->run(stop_at_step); }
void Trainer::request_stop() { g_stop.store(true); }
void Trainer::clear_stop() { g_stop.store(false); }

}  // namespace trit::train

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "trit/core/accelerator.h"
#include "trit/data/byte_tokenizer.h"
#include "trit/data/dataset_file.h"
#include "trit/formats/checkpoint.h"
#include "trit/train/checkpoint_io.h"
#include "trit/train/train_config.h"
#include "trit/train/trainer.h"

using namespace trit;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("trit_trainer_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// A small byte-level dataset of repetitive text.
fs::path make_dataset(const fs::path& dir) {
  const fs::path path = dir / "data.h5";
  data::DatasetWriterOptions o;
  data::DatasetWriter w(path, data::byte_tokenizer_spec(), o);
  std::string text;
  for (int i = 0; i < 300; ++i) text += "the quick brown fox " + std::to_string(i % 7) + " jumps over the lazy dog. ";
  std::vector<int32_t> ids(text.begin(), text.end());
  const size_t n_val = ids.size() / 10;
  w.append(data::Split::train, {ids.data(), ids.size() - n_val}, int64_t(ids.size() - n_val));
  w.append(data::Split::val, {ids.data() + ids.size() - n_val, n_val}, int64_t(n_val));
  w.finish();
  return path;
}

config::Config tiny_config(const fs::path& dir, const std::string& name, int64_t steps,
                           const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"--run.dir=" + dir.string(), "--run.name=" + name, "--data.path=" + (dir / "data.h5").string(),
                "--model.d_model=32", "--model.n_layers=2", "--model.n_heads=2", "--model.n_kv_heads=1",
                "--model.d_ff=64", "--model.max_seq_len=32", "--train.batch_size=4", "--train.seq_len=16",
                "--train.grad_accum=2", "--train.max_steps=" + std::to_string(steps), "--optim.warmup_steps=3",
                "--eval.interval=4", "--eval.batches=2", "--checkpoint.interval=5", "--train.log_interval=100"};
  args.insert(args.end(), extra.begin(), extra.end());
  return train::train_schema().resolve(nullptr, args);
}

formats::ArrayGroup final_params(const fs::path& run) { return formats::read_checkpoint(*formats::latest_checkpoint(run)).params; }

}  // namespace

TEST_CASE("resume continues bit-identically: 2N steps equal N + resume N") {
  const fs::path dir = scratch("resume");
  make_dataset(dir);
  std::ostringstream log;
  auto full = train::Trainer::start(tiny_config(dir, "full", 12), log);
  const auto a = full->run();
  CHECK(a.step == 12);
  CHECK(a.last_val_loss < 5.5);  // below log(256): it learned something

  auto first = train::Trainer::start(tiny_config(dir, "split", 12), log);
  const auto b1 = first->run(7);
  CHECK(b1.step == 7);
  CHECK(b1.stopped_early);
  first.reset();
  auto second = train::Trainer::resume(dir / "split", {}, log);
  const auto b2 = second->run();
  CHECK(b2.step == 12);
  CHECK(b2.tokens == a.tokens);
  const auto pa = final_params(dir / "full"), pb = final_params(dir / "split");
  REQUIRE(pa.size() == pb.size());
  for (const auto& [name, arr] : pa) {
    INFO(name);
    CHECK(pb.at(name) == arr);  // bit for bit
  }
  CHECK(b2.last_train_loss == a.last_train_loss);
  fs::remove_all(dir);
}

TEST_CASE("a run folder with checkpoints is not overwritten; resume needs one") {
  const fs::path dir = scratch("exists");
  make_dataset(dir);
  std::ostringstream log;
  train::Trainer::start(tiny_config(dir, "r", 4), log)->run();
  CHECK_THROWS_WITH(train::Trainer::start(tiny_config(dir, "r", 4), log), Catch::Contains("already holds checkpoints"));
  CHECK_THROWS_WITH(train::Trainer::start(tiny_config(dir, "short", 2), log), Catch::Contains("optim.warmup_steps (3) must be smaller than train.max_steps (2)"));
  CHECK_THROWS_WITH(train::Trainer::resume(dir / "nothing", {}, log), Catch::Contains("no config.json"));
  // the checkpoint alone rebuilds the model with its tokenizer
  const auto loaded = train::load_model_checkpoint(*formats::latest_checkpoint(dir / "r"));
  CHECK(loaded.step == 4);
  CHECK(loaded.tokenizer.tokens.size() == 256);
  CHECK(loaded.model->config().d_model == 32);
  // run folder has the files DESIGN.md lists
  CHECK(fs::exists(dir / "r" / "config.json"));
  CHECK(fs::exists(dir / "r" / "metrics.jsonl"));
  bool events = false;
  for (const auto& e : fs::directory_iterator(dir / "r")) events |= e.path().filename().string().rfind("events.out.tfevents.", 0) == 0;
  CHECK(events);
  fs::remove_all(dir);
}

TEST_CASE("config and data errors are clear") {
  const fs::path dir = scratch("errors");
  std::ostringstream log;
  CHECK_THROWS_WITH(train::train_schema().resolve(nullptr, {"--train.batchsize=4"}), Catch::Contains("train.batch_size"));
  CHECK_THROWS_WITH(train::train_schema().resolve(nullptr, {"--model.family=lstm"}), Catch::Contains("bitnet"));
  auto c = train::train_schema().resolve(nullptr, {"--run.dir=" + dir.string(), "--data.path=" + (dir / "missing.h5").string()});
  CHECK_THROWS_WITH(train::Trainer::start(c, log), Catch::Contains("missing.h5"));
  {
    std::ofstream f(dir / "junk.h5");
    f << "not an hdf5 file";
  }
  c = train::train_schema().resolve(nullptr, {"--run.dir=" + dir.string(), "--data.path=" + (dir / "junk.h5").string()});
  CHECK_THROWS_WITH(train::Trainer::start(c, log), Catch::Contains("junk.h5"));
  fs::remove_all(dir);
}

TEST_CASE("run.device=cuda without a GPU fails with one clear message naming the reason") {
  std::ostringstream log;
  auto c = train::train_schema().resolve(nullptr, {"--run.device=cuda", "--data.path=unused.h5"});
  if (cuda_available()) {
    CHECK_THROWS_WITH(train::Trainer::start(c, log), Catch::Contains("unused.h5"));  // got past the device check
  } else {
    CHECK_THROWS_WITH(train::Trainer::start(c, log),
                      Catch::StartsWith("run.device=cuda: ") && Catch::Contains(cuda_unavailable_reason()));
  }
}

TEST_CASE("trix trains through the trainer: routing stats in metrics.jsonl, bit-identical resume") {
  const fs::path dir = scratch("trix");
  make_dataset(dir);
  std::ostringstream log;
  auto trix_config = [&](const std::string& name) {
    config::Config c = tiny_config(dir, name, 8);
    c.apply_overrides({"--model.family=trix", "--model.n_tiles=4", "--model.d_tile=16", "--model.router=learned",
                       "--train.log_interval=2"});
    return c;
  };
  auto full = train::Trainer::start(trix_config("full"), log);
  const auto a = full->run();
  CHECK(a.step == 8);
  std::ifstream metrics(dir / "full" / "metrics.jsonl");
  int with_stats = 0;
  for (std::string line; std::getline(metrics, line);) {
    if (line.find("\"split\":\"train\"") == std::string::npos) continue;
    const bool has = line.find("\"route_entropy\"") != std::string::npos;
    CHECK(has == (line.find("\"step\":2,") != std::string::npos || line.find("\"step\":4,") != std::string::npos ||
                  line.find("\"step\":6,") != std::string::npos || line.find("\"step\":8,") != std::string::npos));
    if (has) {
      ++with_stats;
      CHECK(line.find("\"route_tokens.l1.t03\"") != std::string::npos);
    }
  }
  CHECK(with_stats == 4);
  auto first = train::Trainer::start(trix_config("split"), log);
  first->run(5);
  first.reset();
  auto second = train::Trainer::resume(dir / "split", {}, log);
  second->run();
  const auto pa = final_params(dir / "full"), pb = final_params(dir / "split");
  REQUIRE(pa.size() == pb.size());
  for (const auto& [name, arr] : pa) {
    INFO(name);
    CHECK(pb.at(name) == arr);
  }
  fs::remove_all(dir);
}

TEST_CASE("the trix presets resolve to valid trix models") {
  // Bytes: hash routing (a tile per byte); BPE: the Switch-gated learned router with the prior.
  for (const auto& [preset, router] : {std::pair{"tinyshakespeare_trix.json", "hash"},
                                       std::pair{"tinystories_trix_bpe.json", "learned"}}) {
    INFO(preset);
    const fs::path path = fs::path(TRIT_TEST_DATA_DIR) / ".." / "trainer" / "configs" / preset;
    const config::Config c = train::train_schema().resolve_file(path, {});
    const models::ModelConfig m = train::model_config_from(c, 256);
    CHECK(m.family == "trix");
    CHECK(m.n_tiles == 64);
    CHECK(m.router == router);
    if (m.router == "learned") {
      CHECK(m.router_prior > 0);
      CHECK(m.router_lr_scale < 1);
      CHECK(m.aux_loss_weight > 0);
    }
  }
}

TEST_CASE("train.amp=bf16 trains on the CPU close to float32, with float32 master weights") {
  const fs::path dir = scratch("amp_bf16");
  make_dataset(dir);
  std::ostringstream log;
  const auto f32 = train::Trainer::start(tiny_config(dir, "f32", 12), log)->run();
  const auto bf16 = train::Trainer::start(tiny_config(dir, "bf16", 12, {"--train.amp=bf16"}), log)->run();
  CHECK(bf16.last_val_loss < 5.5);
  CHECK(bf16.last_train_loss == Approx(f32.last_train_loss).epsilon(0.03));
  CHECK(bf16.last_train_loss != f32.last_train_loss);  // the matmuls did run in bf16
  const auto ckpt = formats::read_checkpoint(*formats::latest_checkpoint(dir / "bf16"));
  for (const auto& [name, arr] : ckpt.params) {
    INFO(name);
    CHECK(arr.dtype == formats::ArrayType::f32);
  }
  for (const auto& [name, arr] : ckpt.optim) CHECK(name.rfind("loss_scale.", 0) != 0);  // no scaler for bf16
  fs::remove_all(dir);
}

TEST_CASE("train.amp=fp16 scales the loss, saves the scaler and resumes bit-identically") {
  const fs::path dir = scratch("amp_fp16");
  make_dataset(dir);
  std::ostringstream log;
  const std::vector<std::string> fp16{"--train.amp=fp16"};
  const auto a = train::Trainer::start(tiny_config(dir, "full", 12, fp16), log)->run();
  CHECK(a.last_val_loss < 5.5);
  const auto ckpt = formats::read_checkpoint(*formats::latest_checkpoint(dir / "full"));
  REQUIRE(ckpt.optim.count("loss_scale.scale") == 1);
  CHECK(ckpt.optim.at("loss_scale.scale").values<double>()[0] == 65536.0);  // no overflow at this size
  REQUIRE(ckpt.optim.count("loss_scale.good_steps") == 1);
  CHECK(ckpt.optim.at("loss_scale.good_steps").values<double>()[0] == 12.0);

  auto first = train::Trainer::start(tiny_config(dir, "split", 12, fp16), log);
  first->run(7);
  first.reset();
  const auto b = train::Trainer::resume(dir / "split", {}, log)->run();
  const auto pa = final_params(dir / "full"), pb = final_params(dir / "split");
  for (const auto& [name, arr] : pa) {
    INFO(name);
    CHECK(pb.at(name) == arr);
  }
  CHECK(b.last_train_loss == a.last_train_loss);
  fs::remove_all(dir);
}

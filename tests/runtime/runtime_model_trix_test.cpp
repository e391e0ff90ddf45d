// RuntimeModel on `trix` GGUF files (write_trix_gguf) against the training-side models::Trix:
// logits of every router kind, batched against incremental decoding, the loss and greedy
// generation (the contract of issue 5, for TriX), and errors on damaged trix files.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "support/model_compare.h"
#include "trit/autograd/grad_mode.h"
#include "trit/core/rng.h"
#include "trit/formats/gguf_reader.h"
#include "trit/formats/gguf_writer.h"
#include "trit/formats/quant_type.h"
#include "trit/models/trix.h"
#include "trit/models/trix_export.h"
#include "trit/runtime/runtime_eval.h"
#include "trit/runtime/runtime_model.h"
#include "trit/train/evaluate.h"
#include "trit/train/generate.h"

using namespace trit;
using test::reference_logits;
using test::sample_ids;

namespace {

std::shared_ptr<models::Trix> random_trix(const std::string& router, int64_t d_tile, uint64_t seed) {
  models::ModelConfig c;
  c.family = "trix";
  c.vocab_size = 256;
  c.d_model = 256;
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.n_tiles = 8;
  c.d_tile = d_tile;
  c.router = router;
  c.max_seq_len = 96;
  c.init_std = 0.05;
  Generator g(seed);
  auto model = std::make_shared<models::Trix>(c, g);
  test::randomize_norms(*model, seed);
  return model;
}

// mean |a - b| / mean |b| and max |a - b| / max |b|: BitNet's int8 rounding lets a rare
// activation flip by one step (see runtime_model_test.cpp), so both are checked.
void check_logits(std::span<const float> a, const std::vector<float>& b, double mean_tol, double max_tol) {
  CHECK(test::mean_relative_error(a, b) < mean_tol);
  CHECK(test::relative_error(a, b) < max_tol);
}

std::filesystem::path temp_gguf(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("trit_runtime_trix_test_" + name + ".gguf");
}

std::filesystem::path export_trix(const models::Trix& model, const std::string& name, const std::string& type) {
  const auto path = temp_gguf(name);
  models::TrixExportOptions o;
  o.type = type;
  models::write_trix_gguf(model, path, o);
  return path;
}

}  // namespace

TEST_CASE("trix GGUF: every router kind gives the training-side logits") {
  const auto ids = sample_ids(40, 1);
  for (const char* router : {"signature", "learned", "learned_st", "hash"}) {
    for (const char* type : {"tq2_0", "tq1_0", "f32"}) {
      INFO(router << " " << type);
      auto model = random_trix(router, 256, 3);
      const auto path = export_trix(*model, "logits", type);
      runtime::RuntimeModel rt(path, {2, 64, 0});
      CHECK(rt.hparams().arch == runtime::ModelArch::trix);
      CHECK(rt.hparams().arch_name() == "trix");
      CHECK(rt.hparams().n_tiles == 8);
      CHECK(rt.n_ternary_layers() == 2 * (4 + 3 * 8));
      check_logits(rt.forward(ids, 0), reference_logits(*model, ids), 1e-3, 2e-2);
      std::filesystem::remove(path);
    }
  }
}

TEST_CASE("trix GGUF: narrow tiles (d_tile 64: F16, and TQ with transposed down weights) and relu2_glu tiles") {
  const auto ids = sample_ids(33, 4);
  auto model = random_trix("learned", 64, 5);
  const auto path = export_trix(*model, "f16", "f16");
  runtime::RuntimeModel rt(path, {1, 64, 0});
  CHECK(rt.hparams().d_ff == 64);
  // F16 values carry the scale to 11 bits only (see runtime_model_test.cpp's encodings).
  check_logits(rt.forward(ids, 0), reference_logits(*model, ids), 5e-2, 0.2);
  std::filesystem::remove(path);
  for (const char* type : {"tq1_0", "tq2_0"}) {
    INFO(type);
    const auto tpath = export_trix(*model, std::string("narrow_") + type, type);
    CHECK(formats::GgufReader(tpath).find_tensor("blk.0.ffn_down_exps_t.weight") != nullptr);
    runtime::RuntimeModel trt(tpath, {1, 64, 0});
    CHECK(trt.n_ternary_layers() == 2 * (4 + 3 * 8));
    check_logits(trt.forward(ids, 0), reference_logits(*model, ids), 1e-3, 2e-2);
    std::filesystem::remove(tpath);
  }

  models::ModelConfig c = model->config();
  c.ffn = "relu2_glu";
  Generator g(8);
  models::Trix relu(c, g);
  relu.eval();
  const auto rpath = export_trix(relu, "relu2", "f32");
  runtime::RuntimeModel rrt(rpath, {1, 64, 0});
  CHECK(rrt.hparams().relu2);
  check_logits(rrt.forward(ids, 0), reference_logits(relu, ids), 1e-3, 2e-2);
  std::filesystem::remove(rpath);
}

TEST_CASE("trix GGUF: incremental decoding equals the batched forward") {
  auto model = random_trix("signature", 256, 11);
  const auto path = export_trix(*model, "kv", "tq2_0");
  runtime::RuntimeModel rt(path, {2, 16, 0});
  const auto ids = sample_ids(40, 5);
  std::vector<float> batched;
  for (size_t b = 0; b < ids.size(); b += 16) {
    const size_t n = std::min<size_t>(16, ids.size() - b);
    const auto l = rt.forward(std::span(ids).subspan(b, n), b);
    batched.insert(batched.end(), l.begin(), l.end());
  }
  rt.reset();
  std::vector<float> single;
  for (size_t t = 0; t < ids.size(); ++t) {
    const auto l = rt.forward(std::span(ids).subspan(t, 1), t);
    single.insert(single.end(), l.begin(), l.end());
  }
  check_logits(single, batched, 1e-6, 1e-5);
  std::filesystem::remove(path);
}

TEST_CASE("trix GGUF: loss and greedy generation equal the training side") {
  for (const char* router : {"learned", "signature", "hash"}) {
    INFO(router);
    auto model = random_trix(router, 256, 13);
    const auto path = export_trix(*model, "contract", "tq2_0");
    runtime::RuntimeModel rt(path, {2, 32, 0});
    const int64_t T = 64;
    const auto windows = sample_ids(size_t(3 * (T + 1)), 9);
    const auto ref = train::summarize_nll(train::token_nll(*model, windows, 3, T), 1.0);
    std::vector<double> nll;
    for (int w = 0; w < 3; ++w) {
      const auto part = runtime::window_nll(rt, std::span(windows).subspan(size_t(w * (T + 1)), size_t(T + 1)));
      nll.insert(nll.end(), part.begin(), part.end());
    }
    CHECK(std::fabs(train::summarize_nll(nll, 1.0).loss - ref.loss) / ref.loss < 1e-3);
    const std::vector<int32_t> prompt = {'T', 'h', 'e', ' '};
    train::SamplingOptions o;
    o.temperature = 0.0;
    const auto out = runtime::generate(rt, prompt, 48, o);
    CHECK(out.size() == 48);
    CHECK(out == train::generate(*model, prompt, 48, o));
    std::filesystem::remove(path);
  }
}

TEST_CASE("trix GGUF: damaged files give errors naming the file and the problem") {
  auto model = random_trix("learned", 256, 17);
  const auto good = export_trix(*model, "good", "tq2_0");
  const auto path = temp_gguf("bad");
  formats::GgufReader reader(good);
  // Rewrites the good file with one change: metadata `set` (key, value) or a tensor dropped.
  auto rewrite = [&](const std::string& key, const formats::GgufValue* value, const std::string& drop) {
    formats::GgufWriter w;
    for (const auto& [k, v] : reader.metadata().entries()) w.metadata().set(k, v);
    if (value) w.metadata().set(key, *value);
    for (const auto& t : reader.tensors()) {
      if (t.name == drop) continue;
      const auto bytes = reader.tensor_data(t);
      w.add_tensor(t.name, t.type, t.shape, std::vector<std::byte>(bytes.begin(), bytes.end()));
    }
    w.write(path);
  };
  const formats::GgufValue bad_router(std::string("oracle")), two(uint32_t(2));
  rewrite("trix.router", &bad_router, "");
  CHECK_THROWS_WITH(runtime::RuntimeModel(path), Catch::Contains(path.string()) && Catch::Contains("oracle"));
  rewrite("trix.expert_used_count", &two, "");
  CHECK_THROWS_WITH(runtime::RuntimeModel(path), Catch::Contains("expert_used_count' is 2"));
  rewrite("", nullptr, "blk.1.ffn_gate_inp.weight");
  CHECK_THROWS_WITH(runtime::RuntimeModel(path), Catch::Contains("blk.1.ffn_gate_inp.weight"));
  rewrite("", nullptr, "blk.0.ffn_down_exps.weight");
  CHECK_THROWS_WITH(runtime::RuntimeModel(path), Catch::Contains("blk.0.ffn_down_exps.weight"));
  {
    // Both layouts of layer 0's down weights: which to use is ambiguous.
    formats::GgufWriter w;
    for (const auto& [k, v] : reader.metadata().entries()) w.metadata().set(k, v);
    for (const auto& t : reader.tensors()) {
      const auto bytes = reader.tensor_data(t);
      w.add_tensor(t.name, t.type, t.shape, std::vector<std::byte>(bytes.begin(), bytes.end()));
      if (t.name == "blk.0.ffn_down_exps.weight")
        w.add_tensor("blk.0.ffn_down_exps_t.weight", t.type, t.shape, std::vector<std::byte>(bytes.begin(), bytes.end()));
    }
    w.write(path);
    CHECK_THROWS_WITH(runtime::RuntimeModel(path), Catch::Contains(path.string()) &&
                                                       Catch::Contains("both ffn_down_exps.weight and ffn_down_exps_t"));
  }
  {
    // Tile 1 of an F32 file whose values are not ternary (two magnitudes).
    const auto f32 = export_trix(*model, "f32_tiles", "f32");
    formats::GgufReader fr(f32);
    formats::GgufWriter w;
    for (const auto& [k, v] : fr.metadata().entries()) w.metadata().set(k, v);
    for (const auto& t : fr.tensors()) {
      const auto bytes = fr.tensor_data(t);
      std::vector<std::byte> data(bytes.begin(), bytes.end());
      if (t.name == "blk.1.ffn_up_exps.weight") {
        const float odd[2] = {0.25f, -0.5f};
        std::memcpy(data.data() + size_t(t.shape[0] * t.shape[1]) * 4, odd, sizeof odd);  // tile 1, row 0
      }
      w.add_tensor(t.name, t.type, t.shape, std::move(data));
    }
    w.write(path);
    CHECK_THROWS_WITH(runtime::RuntimeModel(path), Catch::Contains("blk.1.ffn_up_exps.weight, tile 1") &&
                                                       Catch::Contains("not ternary"));
    std::filesystem::remove(f32);
  }
  std::filesystem::remove(good);
  std::filesystem::remove(path);
}

TEST_CASE("trix GGUF with folded fp16 block scales (no .scale tensors) still loads") {
  // The layout before the .scale tensors: TQ2_0 blocks with d = fp16(s) of each tile.
  auto model = random_trix("signature", 256, 19);
  const auto good = export_trix(*model, "scaled", "tq2_0");
  const auto path = temp_gguf("folded");
  {
    formats::GgufReader reader(good);
    formats::GgufWriter w;
    for (const auto& [k, v] : reader.metadata().entries()) w.metadata().set(k, v);
    for (const auto& t : reader.tensors()) {
      if (t.name.ends_with(".scale")) continue;
      const auto bytes = reader.tensor_data(t);
      const std::string base = t.name.substr(0, t.name.size() - std::string(".weight").size());
      const formats::GgufTensorInfo* s = reader.find_tensor(base + ".scale");
      if (s == nullptr) {
        w.add_tensor(t.name, t.type, t.shape, std::vector<std::byte>(bytes.begin(), bytes.end()));
        continue;
      }
      // Codes times each tile's scale, quantized again: every block's d becomes fp16(s).
      const int64_t cols = t.shape[0];
      int64_t rows = 1;
      for (size_t i = 1; i < t.shape.size(); ++i) rows *= t.shape[i];
      std::vector<float> v(size_t(rows * cols));
      dequantize_rows(QuantType::TQ2_0, reinterpret_cast<const uint8_t*>(bytes.data()), rows, cols, v.data());
      const auto sb = reader.tensor_data(*s);
      std::vector<float> scales(size_t(s->shape[0]));
      std::memcpy(scales.data(), sb.data(), scales.size() * 4);
      const size_t per_tile = v.size() / scales.size();
      for (size_t i = 0; i < v.size(); ++i) v[i] *= scales[i / per_tile];
      std::vector<std::byte> out(size_t(rows) * row_size(QuantType::TQ2_0, cols));
      quantize_rows(QuantType::TQ2_0, v.data(), rows, cols, reinterpret_cast<uint8_t*>(out.data()));
      w.add_tensor(t.name, t.type, t.shape, std::move(out));
    }
    w.write(path);
  }
  runtime::RuntimeModel rt(path, {1, 64, 0});
  CHECK(rt.n_ternary_layers() == 2 * (4 + 3 * 8));
  const auto ids = sample_ids(24, 6);
  // fp16 scales carry 11 bits (see runtime_model_test.cpp's encodings).
  check_logits(rt.forward(ids, 0), reference_logits(*model, ids), 5e-2, 0.2);
  std::filesystem::remove(good);
  std::filesystem::remove(path);
}

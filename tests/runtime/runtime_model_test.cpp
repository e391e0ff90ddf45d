// RuntimeModel (GGUF, bitnet and llama architectures) against the training-side Decoder:
// logits of the same tokens, incremental (KV cache) against batched, loss and greedy
// generation against train::token_nll / train::generate (issue 5's contract).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "support/gguf_export.h"
#include "support/model_compare.h"
#include "trit/core/accelerator.h"
#include "trit/core/rng.h"
#include "trit/models/decoder.h"
#include "trit/ops/ops.h"
#include "trit/runtime/runtime_eval.h"
#include "trit/runtime/runtime_model.h"
#include "trit/train/evaluate.h"
#include "trit/train/generate.h"

using namespace trit;
using test::mean_relative_error;
using test::reference_logits;
using test::relative_error;
using test::sample_ids;

namespace {

models::ModelConfig tiny_config(const std::string& family) {
  models::ModelConfig c;
  c.family = family;
  c.vocab_size = 256;
  c.d_model = 256;  // ternary GGUF blocks need multiples of 256
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.d_ff = 512;
  c.max_seq_len = 96;
  c.init_std = 0.05;
  return c;
}

std::shared_ptr<models::Decoder> random_decoder(const std::string& family, uint64_t seed) {
  Generator g(seed);
  auto model = std::make_shared<models::Decoder>(tiny_config(family), family == "bitnet", g);
  test::randomize_norms(*model, seed);
  return model;
}

// BitNet's int8 activation rounding is discontinuous: a float difference of one ulp can move
// an activation across a rounding boundary (xq changes by 1, the output by up to ~1/127 of the
// row's largest activation), so "equal to rounding" means: almost every logit agrees to float
// rounding, and the rare flips stay small. Checked: mean error and max error, separately.
void check_bitnet_logits(std::span<const float> got, const std::vector<float>& expected, double mean_tol,
                         double max_tol) {
  CHECK(mean_relative_error(got, expected) < mean_tol);
  CHECK(relative_error(got, expected) < max_tol);
}

std::filesystem::path temp_gguf(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("trit_runtime_test_" + name + ".gguf");
}

}  // namespace

TEST_CASE("bitnet GGUF (TQ2_0 + .scale) gives the training-side logits") {
  auto model = random_decoder("bitnet", 3);
  const auto path = temp_gguf("tq2_scale");
  test::export_decoder_gguf(*model, path);
  runtime::RuntimeModel rt(path, {2, 64, 0});
  CHECK(rt.hparams().arch == runtime::ModelArch::bitnet);
  CHECK(rt.hparams().n_vocab == 256);
  CHECK(rt.n_ternary_layers() == 14);
  REQUIRE(rt.tokenizer().has_value());
  CHECK(rt.tokenizer()->kind == "bytes");
  const auto ids = sample_ids(40, 1);
  const auto expected = reference_logits(*model, ids);
  const auto got = rt.forward(ids, 0);
  check_bitnet_logits(got, expected, 1e-3, 2e-2);
  std::filesystem::remove(path);
}

TEST_CASE("bitnet GGUF: every weight encoding of the contract loads onto the ternary kernels") {
  auto model = random_decoder("bitnet", 5);
  const auto ids = sample_ids(24, 2);
  const auto expected = reference_logits(*model, ids);
  struct Case { QuantType type; bool scale; double tol; };
  // Folded fp16 scales and Q8_0/F16 values carry 1/sw to about 11 bits only, which moves more
  // activations across rounding boundaries.
  for (const Case& c : {Case{QuantType::TQ1_0, true, 1e-3}, Case{QuantType::TQ2_0, false, 5e-2},
                        Case{QuantType::F32, false, 1e-3}, Case{QuantType::F16, false, 5e-2},
                        Case{QuantType::Q8_0, false, 5e-2}}) {
    INFO(quant_name(c.type) << (c.scale ? " + .scale" : ""));
    const auto path = temp_gguf("variant");
    test::export_decoder_gguf(*model, path, {c.type, c.scale});
    runtime::RuntimeModel rt(path, {1, 64, 0});
    CHECK(rt.n_ternary_layers() == 14);
    check_bitnet_logits(rt.forward(ids, 0), expected, c.tol, std::min(0.2, 20 * c.tol));
    std::filesystem::remove(path);
  }
}

TEST_CASE("bitnet weights that are not ternary (Q4_0) run on the dense path") {
  auto model = random_decoder("bitnet", 6);
  const auto path = temp_gguf("q4_0");
  test::export_decoder_gguf(*model, path, {QuantType::Q4_0, false});
  runtime::RuntimeModel rt(path, {1, 64, 0});
  CHECK(rt.n_ternary_layers() == 0);
  const auto ids = sample_ids(16, 4);
  // Q4_0 cannot hold -a exactly (it gives -7a/8), so only closeness is expected.
  CHECK(relative_error(rt.forward(ids, 0), reference_logits(*model, ids)) < 0.5);
  std::filesystem::remove(path);
}

TEST_CASE("llama GGUF (F32, permuted Q/K, interleaved RoPE) gives the transformer's logits") {
  auto model = random_decoder("transformer", 7);
  const auto ids = sample_ids(40, 3);
  const auto expected = reference_logits(*model, ids);
  for (QuantType t : {QuantType::F32, QuantType::F16}) {
    INFO(quant_name(t));
    const auto path = temp_gguf("llama");
    test::export_decoder_gguf(*model, path, {t, false});
    runtime::RuntimeModel rt(path, {2, 64, 0});
    CHECK(rt.hparams().arch == runtime::ModelArch::llama);
    CHECK(rt.n_ternary_layers() == 0);
    CHECK(relative_error(rt.forward(ids, 0), expected) < (t == QuantType::F32 ? 1e-4 : 1e-2));
    std::filesystem::remove(path);
  }
}

TEST_CASE("incremental decoding with the KV cache equals the batched forward") {
  for (const char* family : {"bitnet", "transformer"}) {
    INFO(family);
    auto model = random_decoder(family, 11);
    const auto path = temp_gguf("kv");
    test::export_decoder_gguf(*model, path, {family == std::string("bitnet") ? QuantType::TQ2_0 : QuantType::F32, true});
    runtime::RuntimeModel rt(path, {2, 16, 0});
    const auto ids = sample_ids(40, 5);
    const size_t V = 256;
    // Batched in chunks of 16 (max_batch) vs one token at a time.
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
    CHECK(relative_error(single, batched) < 1e-5);
    CHECK(rt.n_cached() == ids.size());
    // Rollback: re-running from position 20 reproduces the same logits.
    const auto again = rt.forward(std::span(ids).subspan(20, 1), 20);
    CHECK(relative_error(again, std::vector<float>(single.begin() + 20 * V, single.begin() + 21 * V)) < 1e-6);
    CHECK(rt.n_cached() == 21);
    CHECK_THROWS_WITH(rt.forward(std::span(ids).subspan(0, 1), 30), Catch::Contains("past the 21 cached"));
    std::filesystem::remove(path);
  }
}

TEST_CASE("a float16 KV cache gives the float32 cache's logits to fp16 rounding") {
  for (const char* family : {"bitnet", "transformer"}) {
    INFO(family);
    auto model = random_decoder(family, 19);
    const auto path = temp_gguf("kv16");
    test::export_decoder_gguf(*model, path, {family == std::string("bitnet") ? QuantType::TQ2_0 : QuantType::F32, true});
    runtime::RuntimeOptions o32{2, 16, 0}, o16{2, 16, 0};
    o16.kv_f16 = true;
    runtime::RuntimeModel rt32(path, o32), rt16(path, o16);
    CHECK(rt16.buffer_bytes() < rt32.buffer_bytes());
    const auto ids = sample_ids(40, 6);
    std::vector<float> a, b;
    for (size_t t = 0; t < ids.size(); t += 8) {
      const auto x = rt32.forward(std::span(ids).subspan(t, 8), t);
      a.insert(a.end(), x.begin(), x.end());
      const auto y = rt16.forward(std::span(ids).subspan(t, 8), t);
      b.insert(b.end(), y.begin(), y.end());
    }
    const std::vector<float> ref(a.begin(), a.end());
    // bitnet: fp16 rounding moves some int8 activations across rounding boundaries (as fp16
    // scales do in the weight-encoding test), so its bound is looser.
    CHECK(mean_relative_error(b, ref) < (family == std::string("bitnet") ? 5e-2 : 1e-2));
    CHECK(mean_relative_error(b, ref) > 0);  // the cache really is float16
    std::filesystem::remove(path);
  }
}

TEST_CASE("device cuda: ternary projections on the GPU give the CPU's logits bit for bit, or one clear error") {
  auto model = random_decoder("bitnet", 23);
  const auto path = temp_gguf("cuda");
  test::export_decoder_gguf(*model, path);
  runtime::RuntimeOptions on_gpu{2, 64, 0};
  on_gpu.device = Device::cuda(0);
  if (!cuda_available()) {
    CHECK_THROWS_WITH(runtime::RuntimeModel(path, on_gpu), Catch::Contains("runtime device cuda:0"));
  } else {
    runtime::RuntimeModel cpu(path, {2, 64, 0}), gpu(path, on_gpu);
    CHECK(gpu.device_bytes() > 0);
    const auto ids = sample_ids(48, 9);
    // 40 tokens (the IMMA GEMM), then 1 and 3 at a time (the 2-bit GEMV).
    std::vector<float> a, b;
    for (auto [begin, n] : {std::pair<size_t, size_t>{0, 40}, {40, 1}, {41, 3}, {44, 4}}) {
      const auto x = cpu.forward(std::span(ids).subspan(begin, n), begin);
      a.insert(a.end(), x.begin(), x.end());
      const auto y = gpu.forward(std::span(ids).subspan(begin, n), begin);
      b.insert(b.end(), y.begin(), y.end());
    }
    CHECK(a == b);
  }
  std::filesystem::remove(path);
}

TEST_CASE("loss and greedy generation equal the training side (contract of issue 5)") {
  auto model = random_decoder("bitnet", 13);
  const auto path = temp_gguf("contract");
  test::export_decoder_gguf(*model, path);
  runtime::RuntimeModel rt(path, {2, 32, 0});
  // Loss over 3 windows of 64 + 1 tokens.
  const int64_t T = 64;
  const auto windows = sample_ids(size_t(3 * (T + 1)), 9);
  const auto ref = train::summarize_nll(train::token_nll(*model, windows, 3, T), 1.0);
  std::vector<double> nll;
  for (int w = 0; w < 3; ++w) {
    const auto part = runtime::window_nll(rt, std::span(windows).subspan(size_t(w * (T + 1)), size_t(T + 1)));
    nll.insert(nll.end(), part.begin(), part.end());
  }
  const auto got = train::summarize_nll(nll, 1.0);
  CHECK(std::fabs(got.loss - ref.loss) / ref.loss < 1e-3);
  // Greedy generation of 64 tokens, and seeded sampling.
  const std::vector<int32_t> prompt = {'T', 'h', 'e', ' '};
  for (double temperature : {0.0, 0.8}) {
    INFO("temperature " << temperature);
    train::SamplingOptions o;
    o.temperature = temperature;
    o.seed = 5;
    const auto expected = train::generate(*model, prompt, 64, o);
    const auto out = runtime::generate(rt, prompt, 64, o);
    CHECK(out.size() == 64);
    CHECK(out == expected);
  }
  std::filesystem::remove(path);
}

TEST_CASE("bad GGUF files give errors naming the file and the problem") {
  auto model = random_decoder("bitnet", 17);
  const auto path = temp_gguf("bad");
  test::export_decoder_gguf(*model, path);
  {
    // Truncated file.
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    CHECK_THROWS_WITH(runtime::RuntimeModel(path), Catch::Contains(path.filename().string()));
  }
  {
    // An architecture that is not supported.
    formats::GgufWriter w;
    w.metadata().set("general.architecture", std::string("mamba"));
    w.write(path);
    CHECK_THROWS_WITH(runtime::RuntimeModel(path), Catch::Contains("architecture 'mamba' is not supported"));
  }
  std::filesystem::remove(path);
}

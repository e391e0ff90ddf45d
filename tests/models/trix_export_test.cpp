#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>

#include "support/check.h"
#include "trit/formats/gguf_reader.h"
#include "trit/formats/quant_type.h"
#include "trit/models/trix_export.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::models;

namespace {

ModelConfig export_config(const std::string& router, int64_t width) {
  ModelConfig c;
  c.family = "trix";
  c.vocab_size = 40;
  c.d_model = width;
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.n_tiles = 3;
  c.d_tile = width;
  c.max_seq_len = 32;
  c.router = router;
  return c;
}

std::vector<float> dequantized(const formats::GgufReader& r, const std::string& name) {
  const auto& info = r.tensor(name);
  int64_t n = 1;
  for (int64_t d : info.shape) n *= d;
  std::vector<float> out(static_cast<size_t>(n));
  const auto data = r.tensor_data(info);
  dequantize_rows(quant_type_from_ggml(int32_t(info.type)), reinterpret_cast<const uint8_t*>(data.data()),
                  n / info.shape[0], info.shape[0], out.data());
  return out;
}

}  // namespace

TEST_CASE("trix GGUF: architecture, keys and stacked tile tensors read back with trit's reader") {
  const auto dir = std::filesystem::temp_directory_path() / "trit_trix_export_test";
  std::filesystem::create_directories(dir);
  for (const char* type : {"f32", "tq2_0"}) {
    INFO(type);
    Generator g(4);
    Trix model(export_config("learned", 256), g);
    TrixExportOptions o;
    o.type = type;
    const auto path = dir / (std::string("m_") + type + ".gguf");
    write_trix_gguf(model, path, o);
    const formats::GgufReader r(path);
    CHECK(r.metadata().get<std::string>("general.architecture") == "trix");
    CHECK(r.metadata().get<uint32_t>("trix.expert_count") == 3);
    CHECK(r.metadata().get<uint32_t>("trix.expert_used_count") == 1);
    CHECK(r.metadata().get<std::string>("trix.router") == "learned");
    CHECK(r.tensor("blk.1.ffn_gate_exps.weight").shape == std::vector<int64_t>{256, 256, 3});
    CHECK(r.tensor("blk.1.ffn_down_exps.weight").shape == std::vector<int64_t>{256, 256, 3});
    CHECK(r.tensor("blk.0.ffn_gate_inp.weight").shape == std::vector<int64_t>{256, 3});
    CHECK(r.find_tensor("output.weight") == nullptr);
    // Tile 2 of layer 1: the folded ternary values, each tile with its own scale (f32: folded
    // in; tq2_0: codes times the tile's exact f32 scale in blk.N.ffn_up_exps.scale [E]).
    const bool tq = std::string(type) == "tq2_0";
    CHECK((r.find_tensor("blk.1.ffn_up_exps.scale") != nullptr) == tq);
    CHECK((r.find_tensor("blk.0.attn_q.scale") != nullptr) == tq);
    const auto up = dequantized(r, "blk.1.ffn_up_exps.weight");
    const float scale = tq ? dequantized(r, "blk.1.ffn_up_exps.scale")[2] : 1.0f;
    if (tq) CHECK(r.tensor("blk.1.ffn_up_exps.scale").shape == std::vector<int64_t>{3});
    NoGradGuard no_grad;
    const auto want = weight_quant_ternary((*model.layers)[1].ffn->tiles->ptr(2)->up.weight()).to_vector<float>();
    const size_t off = 2 * 256 * 256;
    for (size_t i = 0; i < want.size(); i += 97) {
      INFO("element " << i);
      if (tq) CHECK((up[off + i] == 0.0f || std::fabs(up[off + i]) == 1.0f));
      CHECK(up[off + i] * scale == Approx(want[i]).epsilon(1e-6));
    }
    const auto router = dequantized(r, "blk.0.ffn_gate_inp.weight");
    CHECK(router[5] == (*model.layers)[0].ffn->router->weight.to_vector<float>()[5]);
  }
}

TEST_CASE("trix GGUF: the router prior is written per token, the router's learning-rate factor folded in") {
  ModelConfig c = export_config("learned_st", 256);
  c.router_prior = 3.0;
  c.router_lr_scale = 0.25;
  Generator g(6);
  Trix model(c, g);
  const auto path = std::filesystem::temp_directory_path() / "trit_trix_export_prior.gguf";
  write_trix_gguf(model, path, TrixExportOptions{});
  const formats::GgufReader r(path);
  CHECK(r.tensor("blk.1.ffn_gate_tok.weight").shape == std::vector<int64_t>{3, 40});
  const auto prior = dequantized(r, "blk.1.ffn_gate_tok.weight");
  const auto want_prior = (*model.layers)[1].ffn->router_prior.to_vector<float>();
  CHECK(prior == want_prior);
  CHECK(prior[size_t(17 * 3 + nn::hash_tile(17, 1, 3))] == 3.0f);
  const auto router = dequantized(r, "blk.0.ffn_gate_inp.weight");
  const auto w = (*model.layers)[0].ffn->router->weight.to_vector<float>();
  for (size_t i = 0; i < w.size(); i += 31) CHECK(router[i] == Approx(w[i] * 0.25f).epsilon(1e-6));
  std::filesystem::remove(path);
}

TEST_CASE("trix GGUF: under TQ types, tiles narrower than a TQ row store their down weights transposed") {
  for (const char* type : {"tq1_0", "tq2_0"}) {
    INFO(type);
    Generator g(6);
    ModelConfig c = export_config("hash", 256);
    c.d_tile = 64;  // down rows of 64 values cannot be TQ blocks; their columns (256) can
    Trix model(c, g);
    TrixExportOptions o;
    o.type = type;
    const auto path = std::filesystem::temp_directory_path() / (std::string("trit_trix_export_t_") + type + ".gguf");
    write_trix_gguf(model, path, o);
    const formats::GgufReader r(path);
    CHECK(r.find_tensor("blk.0.ffn_down_exps.weight") == nullptr);
    CHECK(r.tensor("blk.0.ffn_down_exps_t.weight").shape == std::vector<int64_t>{256, 64, 3});
    CHECK(r.tensor("blk.0.ffn_down_exps_t.scale").shape == std::vector<int64_t>{3});
    CHECK(r.tensor("blk.0.ffn_gate_exps.weight").shape == std::vector<int64_t>{256, 64, 3});
    // Tile 1 of layer 0: element (f, c) of the file's [F, C] slab is the weight's (c, f).
    const auto stored = dequantized(r, "blk.0.ffn_down_exps_t.weight");
    const float scale = dequantized(r, "blk.0.ffn_down_exps_t.scale")[1];
    NoGradGuard no_grad;
    const auto want = weight_quant_ternary((*model.layers)[0].ffn->tiles->ptr(1)->down.weight()).to_vector<float>();
    for (size_t f = 0; f < 64; f += 7)
      for (size_t ch = 0; ch < 256; ch += 13) {
        INFO("f " << f << ", c " << ch);
        CHECK(stored[64 * 256 + f * 256 + ch] * scale == Approx(want[ch * 64 + f]).epsilon(1e-6));
      }
    std::filesystem::remove(path);
  }
}

TEST_CASE("trix GGUF export rejects ternary blocks that do not fit and names the tensor") {
  Generator g(5);
  Trix model(export_config("signature", 64), g);
  TrixExportOptions o;
  o.type = "tq2_0";
  const auto path = std::filesystem::temp_directory_path() / "trit_trix_export_bad.gguf";
  std::filesystem::remove(path);
  CHECK_THROWS_WITH(write_trix_gguf(model, path, o), Catch::Contains("blk.0.attn_q.weight") && Catch::Contains("256"));
  CHECK_FALSE(std::filesystem::exists(path));
  o.type = "q4_0";
  CHECK_THROWS_WITH(write_trix_gguf(model, path, o), Catch::Contains("not supported"));
  CHECK(trix_llama_cpp_notice().find("llama.cpp cannot") != std::string::npos);
}

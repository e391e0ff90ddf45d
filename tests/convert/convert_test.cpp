// End-to-end conversions through files: checkpoint -> GGUF / safetensors -> back, read with
// trit's own readers (peer checks with the gguf package and llama.cpp are in tests/python).
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <sstream>

#include "../formats/format_test_util.h"
#include "convert_test_util.h"
#include "trit/convert/convert.h"
#include "trit/convert/source.h"
#include "trit/core/error.h"
#include "trit/core/half.h"
#include "trit/core/tensor.h"
#include "trit/formats/gguf_reader.h"
#include "trit/formats/safetensors.h"
#include "trit/ops/quant.h"

using namespace trit;
using namespace trit::convert;

namespace {

ConvertResult convert_to(const std::filesystem::path& in, const std::filesystem::path& out, const std::string& type,
                         bool allow_requantize = false) {
  ConvertRequest r;
  r.input = in;
  r.output = out;
  r.plan.type = parse_target_type(type);
  r.plan.allow_requantize = allow_requantize;
  std::ostringstream log;
  return run_convert(r, log);
}

std::vector<float> dequantized(const formats::GgufReader& g, const std::string& name) {
  const formats::GgufTensorInfo& info = g.tensor(name);
  const int64_t cols = info.shape[0], rows = int64_t(info.n_bytes / row_size(quant_type_from_ggml(int32_t(info.type)), cols));
  std::vector<float> out(size_t(rows * cols));
  dequantize_rows(quant_type_from_ggml(int32_t(info.type)), reinterpret_cast<const uint8_t*>(g.tensor_data(info).data()),
                  rows, cols, out.data());
  return out;
}

}  // namespace

TEST_CASE("checkpoint -> tq1_0/tq2_0 GGUF dequantizes to training's ternarized weights exactly", "[convert]") {
  test::TempDir dir;
  const auto cfg = test::small_config("bitnet");
  const auto params = test::write_test_checkpoint(dir.path() / "m.h5", cfg);
  for (const char* type : {"tq1_0", "tq2_0"}) {
    const auto out = dir.path() / (std::string(type) + ".gguf");
    convert_to(dir.path() / "m.h5", out, type);
    const formats::GgufReader g(out);
    for (const char* name : {"blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.1.ffn_down.weight", "blk.1.attn_output.weight"}) {
      const std::string base = std::string(name).substr(0, std::string(name).size() - 7);
      const formats::NamedArray& master = params.at(test::trit_name(name));
      const auto w = master.values<float>();
      const Tensor wq = weight_quant_ternary(Tensor::from_vector(w, Shape{int64_t(master.shape[0]), int64_t(master.shape[1])}));
      const auto& si = g.tensor(base + ".scale");
      REQUIRE(si.type == 0);
      REQUIRE(si.shape == std::vector<int64_t>{1});
      float scale;
      std::memcpy(&scale, g.tensor_data(si).data(), 4);
      const auto codes = dequantized(g, name);
      for (size_t i = 0; i < codes.size(); ++i) {
        REQUIRE((codes[i] == 0.0f || codes[i] == 1.0f || codes[i] == -1.0f));
        REQUIRE(codes[i] * scale == wq.data<float>()[i]);
      }
      // Every block carries d = 1.0 (fp16 0x3C00), the last two bytes of a block.
      const auto& info = g.tensor(name);
      const size_t bs = quant_type_size(quant_type_from_ggml(int32_t(info.type)));
      const auto bytes = g.tensor_data(info);
      for (size_t b = 0; b < bytes.size(); b += bs)
        REQUIRE(f16_to_float(uint16_t(uint8_t(bytes[b + bs - 2]) | (uint8_t(bytes[b + bs - 1]) << 8))) == 1.0f);
    }
    const auto& meta = g.metadata();
    CHECK(meta.get<std::string>("general.architecture") == "bitnet");
    CHECK(meta.get<uint32_t>("general.file_type") == (std::string(type) == "tq1_0" ? 36u : 37u));
    CHECK(meta.get<uint32_t>("general.quantization_version") == 2);
    CHECK(meta.get<uint32_t>("bitnet.embedding_length") == 256);
    CHECK(meta.get<uint32_t>("bitnet.attention.head_count_kv") == 2);
    CHECK(meta.get<uint32_t>("bitnet.rope.dimension_count") == 64);
    CHECK(meta.get<float>("bitnet.attention.layer_norm_rms_epsilon") == 1e-5f);
    CHECK(meta.get<std::string>("tokenizer.ggml.model") == "gpt2");
    CHECK(meta.get<formats::GgufArray>("tokenizer.ggml.tokens").size() == 256);
    CHECK(meta.get<std::string>("trit.bitnet.activation") == "int8_per_token_absmax");
    CHECK(meta.get<std::string>("trit.version") == "9.9.9");
    CHECK(meta.get<uint64_t>("trit.training_step") == 7);
    CHECK(g.find_tensor("output.weight") == nullptr);
    CHECK(g.tensor("token_embd.weight").type == 12);  // Q4_K
  }
}

TEST_CASE("an all-zero block still carries d = 1", "[convert]") {
  test::TempDir dir;
  const auto cfg = test::small_config("bitnet");
  formats::Checkpoint ck;
  test::write_test_checkpoint(dir.path() / "m.h5", cfg);
  ck = formats::read_checkpoint(dir.path() / "m.h5");
  auto w = ck.params.at("layers.0.attn.q.weight").values<float>();
  for (size_t i = 0; i < 256; ++i) w[i] = 1e-6f;  // first row rounds to code 0 everywhere
  ck.params["layers.0.attn.q.weight"] = formats::NamedArray::from<float>(w, {256, 256});
  formats::write_checkpoint(dir.path() / "z.h5", ck);
  convert_to(dir.path() / "z.h5", dir.path() / "z.gguf", "tq2_0");
  const formats::GgufReader g(dir.path() / "z.gguf");
  const auto bytes = g.tensor_data(g.tensor("blk.0.attn_q.weight"));
  CHECK(f16_to_float(uint16_t(uint8_t(bytes[64]) | (uint8_t(bytes[65]) << 8))) == 1.0f);
  CHECK(dequantized(g, "blk.0.attn_q.weight")[0] == 0.0f);
}

TEST_CASE("GGUF round trips: requantize, float types keep the exact ternary form", "[convert]") {
  test::TempDir dir;
  test::write_test_checkpoint(dir.path() / "m.h5", test::small_config("bitnet"));
  convert_to(dir.path() / "m.h5", dir.path() / "a.gguf", "tq2_0");
  convert_to(dir.path() / "m.h5", dir.path() / "f.gguf", "f32");
  // TQ2_0 -> TQ1_0 is lossless (exact form from the .scale tensors), and f32 -> tq2_0 equals
  // the direct conversion tensor for tensor.
  // (token_embd is Q4_K in a.gguf: quantizing it again needs the flag)
  CHECK_THROWS_WITH(convert_to(dir.path() / "a.gguf", dir.path() / "b.gguf", "tq1_0"),
                    Catch::Contains("token_embd.weight as q4_k"));
  convert_to(dir.path() / "a.gguf", dir.path() / "b.gguf", "tq1_0", true);
  convert_to(dir.path() / "f.gguf", dir.path() / "c.gguf", "tq2_0");
  const formats::GgufReader a(dir.path() / "a.gguf"), b(dir.path() / "b.gguf"), c(dir.path() / "c.gguf");
  for (const auto& info : a.tensors()) {
    if (info.name == "token_embd.weight") continue;  // Q4_K of an F32 source vs of a Q4_K source
    CHECK(dequantized(a, info.name) == dequantized(b, info.name));
    CHECK(dequantized(a, info.name) == dequantized(c, info.name));
  }
  // Lossy on lossy needs the flag; the output is never the input.
  CHECK_THROWS_WITH(convert_to(dir.path() / "a.gguf", dir.path() / "d.gguf", "q8_0"), Catch::Contains("--allow-requantize"));
  CHECK_THROWS_WITH(convert_to(dir.path() / "a.gguf", dir.path() / "a.gguf", "f32"), Catch::Contains("is the input"));
  CHECK_THROWS_WITH(convert_to(dir.path() / "m.h5", dir.path() / "m.h5", "f32"), Catch::Contains("is the input"));
}

TEST_CASE("transformer -> llama GGUF permutes Q/K rows, reading it back undoes that", "[convert]") {
  test::TempDir dir;
  const auto params = test::write_test_checkpoint(dir.path() / "t.h5", test::small_config("transformer", 64, 96));
  convert_to(dir.path() / "t.h5", dir.path() / "t.gguf", "f32");
  const formats::GgufReader g(dir.path() / "t.gguf");
  CHECK(g.metadata().get<std::string>("general.architecture") == "llama");
  CHECK(g.find_tensor("blk.0.attn_sub_norm.weight") == nullptr);
  auto q = params.at("layers.0.attn.q.weight").values<float>();
  auto k = params.at("layers.1.attn.k.weight").values<float>();
  permute_rope_rows(q, 4, 16, 64);
  permute_rope_rows(k, 2, 16, 64);
  CHECK(dequantized(g, "blk.0.attn_q.weight") == q);
  CHECK(dequantized(g, "blk.1.attn_k.weight") == k);
  CHECK(dequantized(g, "blk.0.attn_v.weight") == params.at("layers.0.attn.v.weight").values<float>());
  const ConvModel back = load_gguf_source(dir.path() / "t.gguf");
  CHECK(back.find("blk.0.attn_q.weight")->values == params.at("layers.0.attn.q.weight").values<float>());
  CHECK(back.find("blk.1.attn_k.weight")->values == params.at("layers.1.attn.k.weight").values<float>());
}

TEST_CASE("safetensors out and in: Hugging Face names, master weights, config and tokenizer", "[convert]") {
  test::TempDir dir;
  const auto params = test::write_test_checkpoint(dir.path() / "m.h5", test::small_config("bitnet"));
  convert_to(dir.path() / "m.h5", dir.path() / "m.safetensors", "f32");
  const formats::SafetensorsReader st(dir.path() / "m.safetensors");
  const auto& q = st.tensor("model.layers.0.self_attn.q_proj.weight");
  CHECK(q.shape == std::vector<int64_t>{256, 256});
  std::vector<float> qv(65536);
  std::memcpy(qv.data(), st.tensor_data(q).data(), qv.size() * 4);
  CHECK(qv == params.at("layers.0.attn.q.weight").values<float>());
  CHECK(st.metadata().count("trit.hf_config") == 1);
  CHECK(std::filesystem::exists(dir.path() / "config.json"));  // written beside it
  const ConvModel back = load_safetensors_source(dir.path() / "m.safetensors");
  CHECK(back.hp.bitnet());
  CHECK(back.hp.n_kv_heads == 2);
  CHECK(back.tokenizer.get<std::string>("tokenizer.ggml.model") == "gpt2");
  CHECK(back.find("blk.1.ffn_sub_norm.weight")->values == params.at("layers.1.ffn.sub_norm.weight").values<float>());
  CHECK(back.provenance.step == 7);
  // ... and converts on to the same tq2_0 GGUF as the checkpoint.
  convert_to(dir.path() / "m.safetensors", dir.path() / "s.gguf", "tq2_0");
  convert_to(dir.path() / "m.h5", dir.path() / "h.gguf", "tq2_0");
  const formats::GgufReader a(dir.path() / "s.gguf"), b(dir.path() / "h.gguf");
  for (const auto& info : a.tensors()) CHECK(dequantized(a, info.name) == dequantized(b, info.name));
  CHECK_THROWS_WITH(convert_to(dir.path() / "m.h5", dir.path() / "x.safetensors", "q8_0"), Catch::Contains("f32, f16 or bf16"));
}

TEST_CASE("dry run prints the plan and writes nothing; bad inputs name the file", "[convert]") {
  test::TempDir dir;
  test::write_test_checkpoint(dir.path() / "m.h5", test::small_config("bitnet"));
  ConvertRequest r;
  r.input = dir.path() / "m.h5";
  r.plan.type = TargetType::TQ1_0;
  r.dry_run = true;
  std::ostringstream out;
  const ConvertResult res = run_convert(r, out);
  CHECK(res.output == dir.path() / "m-tq1_0.gguf");
  CHECK_FALSE(std::filesystem::exists(res.output));
  CHECK_THAT(out.str(), Catch::Contains("blk.1.ffn_down.scale") && Catch::Contains("TQ1_0") && Catch::Contains("Q4_K"));
  r.input = dir.path() / "missing.h5";
  CHECK_THROWS_WITH(run_convert(r, out), Catch::Contains("missing.h5"));
  const std::string junk = "not a model file at all";
  test::write_bytes(dir.path() / "junk.bin", std::as_bytes(std::span(junk.data(), junk.size())));
  r.input = dir.path() / "junk.bin";
  CHECK_THROWS_WITH(run_convert(r, out), Catch::Contains("junk.bin"));
}

TEST_CASE("q4_0 of a BitNet keeps both signs of the ternary weights symmetric", "[convert]") {
  test::TempDir dir;
  const auto params = test::write_test_checkpoint(dir.path() / "m.h5", test::small_config("bitnet"));
  convert_to(dir.path() / "m.h5", dir.path() / "q.gguf", "q4_0");
  const formats::GgufReader g(dir.path() / "q.gguf");
  ConvTensor t;
  t.name = "blk.0.ffn_up.weight";
  t.shape = {512, 256};
  t.values = params.at("layers.0.ffn.up.weight").values<float>();
  t.ternary = true;
  const TernaryForm f = ternary_form(t);
  const float step = 7.0f * f16_to_float(float_to_f16(f.scale / 7.0f));
  CHECK(std::abs(step / f.scale - 1.0f) < 1.0f / 2048);
  const auto got = dequantized(g, t.name);
  for (size_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == float(f.codes[i]) * step);
}

TEST_CASE("a Hugging Face BitNet folder (shards, config.json, 1bitLLM sub-norm names) is read", "[convert]") {
  test::TempDir dir;
  const auto cfg = test::small_config("bitnet", 64, 128);
  const auto params = test::random_params(cfg);
  formats::SafetensorsWriter a, b;
  int i = 0;
  for (const auto& [gname, arr] : params) {
    std::string hf = gguf_to_hf_name(gname);
    if (hf.find("attn_sub_norm") != std::string::npos) hf.replace(hf.find("attn_sub_norm"), 13, "inner_attn_ln");
    if (hf.find("mlp.ffn_sub_norm") != std::string::npos) hf.replace(hf.find("ffn_sub_norm"), 12, "ffn_layernorm");
    std::vector<int64_t> shape(arr.shape.begin(), arr.shape.end());
    ((i++ % 2) ? a : b).add_tensor(hf, DType::f32, shape, arr.bytes);
  }
  b.add_tensor("model.layers.0.self_attn.rotary_emb.inv_freq", DType::f32, {1}, std::vector<std::byte>(4));
  a.write(dir.path() / "model-00001-of-00002.safetensors");
  b.write(dir.path() / "model-00002-of-00002.safetensors");
  CHECK_THROWS_WITH(load_safetensors_source(dir.path()), Catch::Contains("no config.json"));
  std::ofstream(dir.path() / "config.json") << R"({"architectures": ["BitnetForCausalLM"], "hidden_size": 64,
    "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 128,
    "vocab_size": 256, "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "hidden_act": "silu"})";
  const ConvModel m = load_safetensors_source(dir.path());
  CHECK(m.hp.bitnet());
  CHECK(m.hp.tie_embeddings);
  CHECK(m.find("blk.1.attn_sub_norm.weight")->values == params.at("blk.1.attn_sub_norm.weight").values<float>());
  CHECK(m.find("blk.0.ffn_sub_norm.weight")->values == params.at("blk.0.ffn_sub_norm.weight").values<float>());
  CHECK(m.find("blk.0.attn_q.weight")->ternary);
  CHECK(m.tokenizer.size() == 0);
  std::ofstream(dir.path() / "config.json") << R"({"architectures": ["MistralForCausalLM"]})";
  CHECK_THROWS_WITH(load_safetensors_source(dir.path()), Catch::Contains("MistralForCausalLM"));
}

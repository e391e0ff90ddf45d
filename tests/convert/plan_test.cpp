#include <catch2/catch.hpp>

#include <sstream>

#include "convert_test_util.h"
#include "trit/convert/plan.h"
#include "trit/core/error.h"

using namespace trit;
using namespace trit::convert;

namespace {

ConvModel model_of(const models::ModelConfig& cfg) {
  ConvModel m;
  m.hp = test::hparams_of(cfg);
  for (const auto& [name, a] : test::random_params(cfg)) {
    ConvTensor t;
    t.name = name;
    for (uint64_t d : a.shape) t.shape.push_back(int64_t(d));
    t.values = a.values<float>();
    t.ternary = m.hp.bitnet() && is_projection(name);
    m.tensors.push_back(std::move(t));
  }
  order_and_check(m.tensors, m.hp, "test");
  return m;
}

const PlannedTensor& find(const Plan& p, const std::string& name) {
  for (const auto& t : p.tensors)
    if (t.name == name) return t;
  FAIL("no planned tensor " << name);
  throw 0;
}

PlanOptions opts(TargetType t) {
  PlanOptions o;
  o.type = t;
  return o;
}

}  // namespace

TEST_CASE("target types parse case-insensitively and carry llama.cpp's ftype ids", "[convert]") {
  CHECK(parse_target_type("TQ2_0") == TargetType::TQ2_0);
  CHECK(parse_target_type("q4_K_m") == TargetType::Q4_K_M);
  CHECK(llama_ftype(TargetType::TQ1_0) == 36);
  CHECK(llama_ftype(TargetType::TQ2_0) == 37);
  CHECK(llama_ftype(TargetType::Q4_K_S) == 14);
  CHECK(llama_ftype(TargetType::BF16) == 32);
  CHECK(llama_ftype(TargetType::Q8_0) == 7);
  CHECK_THROWS_WITH(parse_target_type("q5_k"), Catch::Contains("q5_k") && Catch::Contains("tq1_0"));
}

TEST_CASE("tq2_0: ternary blocks with .scale tensors, Q4_K embedding, F32 norms", "[convert]") {
  const ConvModel m = model_of(test::small_config("bitnet"));
  const Plan p = make_plan(m, opts(TargetType::TQ2_0));
  CHECK(find(p, "token_embd.weight").type == QuantType::Q4_K);
  CHECK(find(p, "blk.0.attn_norm.weight").type == QuantType::F32);
  CHECK(find(p, "blk.1.ffn_sub_norm.weight").type == QuantType::F32);
  const PlannedTensor& q = find(p, "blk.0.attn_q.weight");
  CHECK(q.type == QuantType::TQ2_0);
  CHECK(q.ternary_blocks);
  CHECK(q.bytes == 256 * 66);  // 256 rows of one block
  const PlannedTensor& s = find(p, "blk.0.attn_q.scale");
  CHECK(s.scale_of);
  CHECK(s.type == QuantType::F32);
  CHECK(s.shape == std::vector<int64_t>{1});
  // The .scale entry follows its weight.
  for (size_t i = 0; i < p.tensors.size(); ++i)
    if (p.tensors[i].scale_of) CHECK(p.tensors[i - 1].ternary_blocks);
  CHECK(p.tensors.size() == m.tensors.size() + 14);
  uint64_t sum = 0;
  for (const auto& t : p.tensors) sum += t.bytes;
  CHECK(p.total_bytes() == sum);
  std::ostringstream out;
  print_plan(p, out);
  CHECK_THAT(out.str(), Catch::Contains("blk.0.attn_q.weight") && Catch::Contains("TQ2_0") &&
                            Catch::Contains(std::to_string(sum) + " bytes"));
}

TEST_CASE("overrides: --embedding-type and --keep", "[convert]") {
  const ConvModel m = model_of(test::small_config("bitnet"));
  PlanOptions o = opts(TargetType::TQ1_0);
  o.embedding_type = QuantType::Q8_0;
  o.keep = {R"(blk\.1\..*)"};
  const Plan p = make_plan(m, o);
  CHECK(find(p, "token_embd.weight").type == QuantType::Q8_0);
  CHECK(find(p, "blk.0.ffn_up.weight").type == QuantType::TQ1_0);
  CHECK(find(p, "blk.1.ffn_up.weight").type == QuantType::F32);
  CHECK_FALSE(find(p, "blk.1.ffn_up.weight").ternary_blocks);
  o.keep = {"(unclosed"};
  CHECK_THROWS_WITH(make_plan(m, o), Catch::Contains("--keep '(unclosed'"));
}

TEST_CASE("q4_k_m gives attn_v and ffn_down more bits on use_more_bits layers", "[convert]") {
  CHECK(use_more_bits(0, 8));
  CHECK_FALSE(use_more_bits(1, 8));
  CHECK(use_more_bits(3, 8));  // (3 - 1) % 3 == 2
  CHECK(use_more_bits(7, 8));
  auto cfg = test::small_config("transformer");
  cfg.n_layers = 8;
  const ConvModel m = model_of(cfg);
  const Plan pm = make_plan(m, opts(TargetType::Q4_K_M));
  CHECK(find(pm, "blk.0.attn_v.weight").type == QuantType::Q8_0);
  CHECK(find(pm, "blk.1.attn_v.weight").type == QuantType::Q4_K);
  CHECK(find(pm, "blk.1.ffn_down.weight").type == QuantType::Q4_K);
  CHECK(find(pm, "blk.7.ffn_down.weight").type == QuantType::Q8_0);
  CHECK(find(pm, "blk.1.attn_q.weight").type == QuantType::Q4_K);
  const Plan ps = make_plan(m, opts(TargetType::Q4_K_S));
  CHECK(find(ps, "blk.0.attn_v.weight").type == QuantType::Q4_K);
}

TEST_CASE("rows that do not fit a block: tq refuses naming the tensors, others fall back", "[convert]") {
  const ConvModel m = model_of(test::small_config("bitnet", 256, 320));
  CHECK_THROWS_WITH(make_plan(m, opts(TargetType::TQ2_0)),
                    Catch::Contains("blk.0.ffn_down.weight (rows of 320)") &&
                        Catch::Contains("blk.1.ffn_down.weight (rows of 320)") &&
                        Catch::Contains("--fallback-type") && Catch::Contains("d_ff 512") &&
                        !Catch::Contains("attn_q"));
  PlanOptions o = opts(TargetType::TQ2_0);
  o.fallback_type = QuantType::Q8_0;
  const Plan p = make_plan(m, o);
  CHECK(find(p, "blk.0.ffn_down.weight").type == QuantType::Q8_0);
  CHECK_FALSE(find(p, "blk.0.ffn_down.weight").ternary_blocks);
  CHECK(find(p, "blk.0.ffn_up.weight").type == QuantType::TQ2_0);
  o.fallback_type = QuantType::Q4_K;
  CHECK_THROWS_WITH(make_plan(m, o), Catch::Contains("256-element blocks"));
  // Q4_K of a small model: automatic fallback like llama-quantize's, noted in the plan.
  const ConvModel small = model_of(test::small_config("transformer", 64, 96));
  const Plan pk = make_plan(small, opts(TargetType::Q4_K_S));
  CHECK(find(pk, "blk.0.attn_q.weight").type == QuantType::Q4_0);
  CHECK_THAT(find(pk, "blk.0.attn_q.weight").note, Catch::Contains("do not fit q4_k"));
}

TEST_CASE("models llama.cpp cannot express are refused with the reason", "[convert]") {
  auto relu = test::small_config("bitnet");
  relu.ffn = "relu2_glu";
  ConvModel m = model_of(relu);
  CHECK_THROWS_WITH(make_plan(m, opts(TargetType::TQ2_0)),
                    Catch::Contains("relu2_glu") && Catch::Contains("SwiGLU") && Catch::Contains("--force"));
  PlanOptions forced = opts(TargetType::TQ2_0);
  forced.force = true;
  CHECK(make_plan(m, forced).warnings.size() == 1);
  PlanOptions st = opts(TargetType::F32);
  st.format = OutputFormat::safetensors;
  CHECK(make_plan(m, st).warnings.empty());  // safetensors carries relu2 in its config

  auto untied = test::small_config("bitnet");
  untied.tie_embeddings = false;
  CHECK_THROWS_WITH(make_plan(model_of(untied), opts(TargetType::Q8_0)), Catch::Contains("untied output head"));
  CHECK_THROWS_WITH(make_plan(model_of(test::small_config("transformer")), opts(TargetType::TQ1_0)),
                    Catch::Contains("not ternary"));
  st.type = TargetType::Q8_0;
  CHECK_THROWS_WITH(make_plan(m, st), Catch::Contains("safetensors output holds f32, f16 or bf16"));
}

TEST_CASE("lossy sources are not quantized again without --allow-requantize", "[convert]") {
  ConvModel m = model_of(test::small_config("bitnet"));
  for (auto& t : m.tensors)
    if (t.shape.size() == 2) t.source_type = "q4_0";
  CHECK_THROWS_WITH(make_plan(m, opts(TargetType::Q8_0)), Catch::Contains("--allow-requantize"));
  CHECK_NOTHROW(make_plan(m, opts(TargetType::F16)));
  PlanOptions o = opts(TargetType::Q8_0);
  o.allow_requantize = true;
  CHECK_NOTHROW(make_plan(m, o));
  // Exact ternary forms (a .scale GGUF) go to tq types losslessly.
  for (auto& t : m.tensors) {
    if (t.ternary) {
      t.source_type = "tq2_0";
      t.exact = ternary_form(t);
    } else if (t.shape.size() == 2) {
      t.source_type = "f16";
    }
  }
  CHECK_NOTHROW(make_plan(m, opts(TargetType::TQ1_0)));
}

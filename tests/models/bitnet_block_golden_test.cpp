// Golden test: one BitNet b1.58 block against the same block in PyTorch
// (tests/reference/make_bitnet_block_golden.py wrote the data; its docstring lists the file's
// contents). Forward within 1e-5, gradients within 1e-4 relative, and the parameters after
// three AdamW steps, all in float32. Two C++ blocks are checked: one composed here from the
// nn layers and the ops (independent of the model code), and models::DecoderBlock itself.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "trit/formats/safetensors.h"
#include "trit/models/decoder.h"
#include "trit/nn/bit_linear.h"
#include "trit/nn/module.h"
#include "trit/nn/rms_norm.h"
#include "trit/ops/ops.h"
#include "trit/optim/adamw.h"

using namespace trit;
using namespace trit::nn;

namespace {

const char* kGoldenPath = TRIT_TEST_DATA_DIR "/data/models/bitnet_block_golden.safetensors";

// Sizes as in the script's CONFIG (the metadata's "config" JSON is checked against these).
constexpr int64_t B = 2, T = 8, d = 64, H = 4, Hkv = 2, Dh = d / H, Fh = 128;
constexpr double kEps = 1e-5, kTheta = 10000.0;

BitLinearConfig bl(int64_t in, int64_t out) {
  BitLinearConfig c;
  c.in = in;
  c.out = out;
  return c;
}

// h = x + o(sub_norm(attn(rope(q n), rope(k n), v n))), n = attn_norm(x) applied by the block.
struct Attention : Module {
  std::shared_ptr<BitLinear> q, k, v, o;
  std::shared_ptr<RMSNorm> sub_norm;
  explicit Attention(Generator& gen) {
    q = register_module("q", std::make_shared<BitLinear>(bl(d, H * Dh), gen));
    k = register_module("k", std::make_shared<BitLinear>(bl(d, Hkv * Dh), gen));
    v = register_module("v", std::make_shared<BitLinear>(bl(d, Hkv * Dh), gen));
    sub_norm = register_module("sub_norm", std::make_shared<RMSNorm>(RMSNormConfig{H * Dh, kEps}));
    o = register_module("o", std::make_shared<BitLinear>(bl(H * Dh, d), gen));
  }
  // n [B, T, d] -> [B, T, d]
  Tensor forward(const Tensor& n) const {
    auto heads = [&](const Tensor& y, int64_t n_heads) { return transpose(reshape(y, {B, T, n_heads, Dh}), 1, 2); };
    const Tensor qh = rope(heads(q->forward(n), H), 0, kTheta);
    const Tensor kh = rope(heads(k->forward(n), Hkv), 0, kTheta);
    const Tensor vh = heads(v->forward(n), Hkv);
    const Tensor att = reshape(transpose(causal_attention(qh, kh, vh), 1, 2), {B, T, H * Dh});
    return o->forward(sub_norm->forward(att));
  }
};

// down(sub_norm(silu(gate n) * up n))
struct FeedForward : Module {
  std::shared_ptr<BitLinear> gate, up, down;
  std::shared_ptr<RMSNorm> sub_norm;
  explicit FeedForward(Generator& gen) {
    gate = register_module("gate", std::make_shared<BitLinear>(bl(d, Fh), gen));
    up = register_module("up", std::make_shared<BitLinear>(bl(d, Fh), gen));
    sub_norm = register_module("sub_norm", std::make_shared<RMSNorm>(RMSNormConfig{Fh, kEps}));
    down = register_module("down", std::make_shared<BitLinear>(bl(Fh, d), gen));
  }
  Tensor forward(const Tensor& n) const {
    return down->forward(sub_norm->forward(silu(gate->forward(n)) * up->forward(n)));
  }
};

struct Block : Module {
  std::shared_ptr<RMSNorm> attn_norm, ffn_norm;
  std::shared_ptr<Attention> attn;
  std::shared_ptr<FeedForward> ffn;
  explicit Block(Generator& gen) {
    attn_norm = register_module("attn_norm", std::make_shared<RMSNorm>(RMSNormConfig{d, kEps}));
    attn = register_module("attn", std::make_shared<Attention>(gen));
    ffn_norm = register_module("ffn_norm", std::make_shared<RMSNorm>(RMSNormConfig{d, kEps}));
    ffn = register_module("ffn", std::make_shared<FeedForward>(gen));
  }
  Tensor forward(const Tensor& x) const {
    const Tensor h = x + attn->forward(attn_norm->forward(x));
    return h + ffn->forward(ffn_norm->forward(h));
  }
};

class Golden {
 public:
  Golden() : reader_(kGoldenPath) {}
  Tensor get(const std::string& name) const {
    const formats::SafetensorsTensor& info = reader_.tensor(name);
    REQUIRE(info.dtype == DType::f32);
    Tensor t = Tensor::empty(info.shape, DType::f32);
    const auto bytes = reader_.tensor_data(info);
    REQUIRE(bytes.size() == t.nbytes());
    std::memcpy(t.raw_data(), bytes.data(), bytes.size());
    return t;
  }
  // Every tensor named prefix + <param>, keyed by <param>.
  StateDict params(const std::string& prefix) const {
    StateDict out;
    for (const auto& t : reader_.tensors())
      if (t.name.rfind(prefix, 0) == 0) out.emplace(t.name.substr(prefix.size()), get(t.name));
    return out;
  }
  const std::map<std::string, std::string>& metadata() const { return reader_.metadata(); }

 private:
  formats::SafetensorsReader reader_;
};

// max |a - b| / (max |b| over the tensor): a relative error robust to entries near zero.
double rel_error(const Tensor& a, const Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  const auto va = a.to_vector<double>(), vb = b.to_vector<double>();
  double diff = 0, scale = 0;
  for (size_t i = 0; i < va.size(); ++i) {
    diff = std::max(diff, std::abs(va[i] - vb[i]));
    scale = std::max(scale, std::abs(vb[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

double max_abs_error(const Tensor& a, const Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  const auto va = a.to_vector<double>(), vb = b.to_vector<double>();
  double diff = 0;
  for (size_t i = 0; i < va.size(); ++i) diff = std::max(diff, std::abs(va[i] - vb[i]));
  return diff;
}

}  // namespace

TEST_CASE("golden file describes the block this test builds") {
  Golden golden;
  const nlohmann::json config = nlohmann::json::parse(golden.metadata().at("config"));
  CHECK(config.at("B") == B);
  CHECK(config.at("T") == T);
  CHECK(config.at("d") == d);
  CHECK(config.at("n_heads") == H);
  CHECK(config.at("n_kv_heads") == Hkv);
  CHECK(config.at("ffn") == Fh);
  CHECK(config.at("eps").get<double>() == kEps);
  CHECK(config.at("rope_theta").get<double>() == kTheta);
  CHECK(config.at("n_steps") == 3);
  CHECK(golden.get("x").shape() == Shape{B, T, d});
  Generator gen(0);
  Block block(gen);
  // Every parameter of the module has initial values, gradients and final values in the file.
  const StateDict init = golden.params("init.");
  CHECK(init.size() == block.named_parameters().size());
  for (const auto& [name, t] : block.named_parameters()) {
    INFO(name);
    CHECK(init.count(name) == 1);
  }
}

namespace {

// Forward, loss and gradients of `block` (loaded with the initial parameters) against the dump.
template <typename Forward>
void check_forward_and_gradients(const Module& block, Forward&& forward, const Golden& golden) {
  Tensor x = golden.get("x");
  x.requires_grad_();
  const Tensor r = golden.get("r");

  const Tensor out = forward(x);
  const double out_err = rel_error(out, golden.get("out"));
  INFO("forward relative error " << out_err);
  CHECK(out_err < 1e-5);
  const Tensor loss = mean(out * r);
  CHECK(loss.item() == Approx(golden.get("loss").item()).epsilon(1e-5));

  loss.backward();
  const double x_err = rel_error(x.grad(), golden.get("grad.x"));
  INFO("grad.x relative error " << x_err);
  CHECK(x_err < 1e-4);
  for (const auto& [name, p] : block.named_parameters()) {
    REQUIRE(p.grad().defined());
    const double err = rel_error(p.grad(), golden.get("grad." + name));
    INFO("grad." << name << " relative error " << err);
    CHECK(err < 1e-4);
  }
}

// Three AdamW steps with the script's hyperparameters (decay on dim >= 2, trit's default).
template <typename Forward>
void check_adamw_steps(const Module& block, Forward&& forward, const Golden& golden) {
  const StateDict init = golden.params("init.");
  const Tensor x = golden.get("x"), r = golden.get("r");
  const nlohmann::json config = nlohmann::json::parse(golden.metadata().at("config"));
  optim::AdamWConfig cfg;
  cfg.lr = config.at("lr").get<double>();
  cfg.beta1 = config.at("beta1").get<double>();
  cfg.beta2 = config.at("beta2").get<double>();
  cfg.eps = config.at("adam_eps").get<double>();
  cfg.weight_decay = config.at("weight_decay").get<double>();
  optim::AdamW opt(block.parameters(), cfg);
  const std::vector<float> losses = golden.get("losses").to_vector<float>();
  REQUIRE(losses.size() == 3);
  for (size_t step = 0; step < 3; ++step) {
    opt.zero_grad();
    const Tensor loss = mean(forward(x) * r);
    INFO("step " << step);
    CHECK(loss.item() == Approx(losses[step]).epsilon(1e-5));
    loss.backward();
    opt.step();
  }
  // Each step moves a parameter by up to about lr = 1e-2; 1e-5 absolute is 1e-3 of one step
  // (measured: at most 1.6e-6), and well under the weight decay's 1e-3 * |p| ~ 2e-5 per step.
  for (const auto& [name, p] : block.named_parameters()) {
    const Tensor want = golden.get("step3." + name);
    const double err = max_abs_error(p, want);
    INFO("step3." << name << " max abs error " << err << ", relative " << rel_error(p, want));
    CHECK(err < 1e-5);
    CHECK(max_abs_error(p, init.at(name)) > 1e-3);  // the steps did move it
  }
}

std::shared_ptr<models::DecoderBlock> model_block() {
  models::ModelConfig c;
  c.family = "bitnet";
  c.d_model = d;
  c.n_heads = H;
  c.n_kv_heads = Hkv;
  c.d_ff = Fh;
  c.max_seq_len = T;
  c.rope_theta = kTheta;
  c.norm_eps = kEps;
  c.ffn = "swiglu";
  c.n_layers = 1;
  Generator gen(0);
  return std::make_shared<models::DecoderBlock>(c, /*ternary=*/true, gen);
}

}  // namespace

TEST_CASE("BitNet block from nn modules: forward and gradients match PyTorch") {
  Golden golden;
  Generator gen(0);
  Block block(gen);
  block.load_state_dict(golden.params("init."));  // strict: names and shapes must agree
  check_forward_and_gradients(block, [&](const Tensor& x) { return block.forward(x); }, golden);
}

TEST_CASE("BitNet block from nn modules: three AdamW steps match PyTorch") {
  Golden golden;
  Generator gen(0);
  Block block(gen);
  block.load_state_dict(golden.params("init."));
  check_adamw_steps(block, [&](const Tensor& x) { return block.forward(x); }, golden);
}

TEST_CASE("models::DecoderBlock (bitnet): forward, gradients and AdamW steps match PyTorch") {
  Golden golden;
  auto block = model_block();
  block->load_state_dict(golden.params("init."));  // strict: the model's names are the dump's
  check_forward_and_gradients(*block, [&](const Tensor& x) { return block->forward(x, nullptr); }, golden);
  block = model_block();
  block->load_state_dict(golden.params("init."));
  check_adamw_steps(*block, [&](const Tensor& x) { return block->forward(x, nullptr); }, golden);
}

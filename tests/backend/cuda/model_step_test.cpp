// A whole training step on CUDA against the same step on the CPU: model moved with
// Module::to, forward, fused cross-entropy, backward, AdamW. It exercises every CUDA op a
// decoder uses, the matmul (cuBLASLt) and the fused attention included, so it passes only in a
// build that has all of them. The TriX step adds the routed FFN (grouped tiles, the router
// with its prior, the dense router gradient) and the load-balancing loss.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "support/cuda.h"
#include "support/device_compare.h"
#include "trit/models/registry.h"
#include "trit/optim/adamw.h"

using namespace trit;

namespace {

models::ModelConfig tiny(const std::string& family) {
  models::ModelConfig c;
  c.family = family;
  c.vocab_size = 61;
  c.d_model = 64;
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.d_ff = 96;
  c.max_seq_len = 32;
  return c;
}

struct StepResult {
  double loss;
  std::map<std::string, Tensor> grads, params;  // grads: defined ones only (unrouted tiles have none)
  std::vector<std::pair<std::string, double>> stats;
};

StepResult step(const models::ModelConfig& c, Device device) {
  Generator init(7);
  auto model = models::create_model(c, init);
  model->to(device);
  optim::AdamWConfig ac;
  ac.lr = 1e-2;
  optim::AdamW opt(model->parameters(), ac);
  std::vector<int32_t> ids, targets;
  for (int i = 0; i < 2 * 19; ++i) {
    ids.push_back(int32_t((i * 13 + 5) % c.vocab_size));
    targets.push_back(int32_t((i * 7 + 3) % c.vocab_size));
  }
  const Tensor logits = model->forward(Tensor::from_vector(ids, {2, 19}).to(device));
  Tensor loss = cross_entropy(logits.reshape({2 * 19, c.vocab_size}), Tensor::from_vector(targets, {2 * 19}).to(device));
  if (const Tensor aux = model->aux_loss(); aux.defined()) loss = loss + aux;
  loss.backward();
  StepResult r;
  r.loss = loss.item();
  r.stats = model->train_stats();
  for (const auto& [name, p] : model->named_parameters())
    if (p.grad().defined()) r.grads[name] = p.grad().to(Device::cpu());
  opt.step();
  for (const auto& [name, p] : model->named_parameters()) r.params[name] = p.detach().to(Device::cpu());
  return r;
}

// ||a - b|| / ||b||
double relative_l2(const Tensor& a, const Tensor& b) {
  const auto va = a.to_vector<double>(), vb = b.to_vector<double>();
  double d = 0, n = 0;
  for (size_t i = 0; i < vb.size(); ++i) {
    d += (va[i] - vb[i]) * (va[i] - vb[i]);
    n += vb[i] * vb[i];
  }
  return std::sqrt(d / std::max(n, 1e-30));
}

}  // namespace

TEST_CASE("a transformer training step on CUDA equals the CPU step") {
  TRIT_REQUIRE_GPU();
  const StepResult cpu = step(tiny("transformer"), Device::cpu());
  const StepResult gpu = step(tiny("transformer"), Device::cuda(0));
  CHECK(gpu.loss == Approx(cpu.loss).epsilon(1e-5));
  // Different summation orders in the GEMMs: elements agree to about 1e-6 of their scale.
  for (const auto& [name, g] : cpu.grads) test::require_close(gpu.grads.at(name), g, 1e-4, 1e-5, name.c_str());
  // After the AdamW step: the first Adam step is about lr * sign(g), so an element whose
  // gradient is near zero may step differently; whole tensors must agree.
  for (const auto& [name, p] : cpu.params) {
    INFO(name);
    CHECK(relative_l2(gpu.params.at(name), p) < 1e-2);
  }
}

TEST_CASE("a BitNet training step on CUDA equals the CPU step") {
  TRIT_REQUIRE_GPU();
  const StepResult cpu = step(tiny("bitnet"), Device::cpu());
  const StepResult gpu = step(tiny("bitnet"), Device::cuda(0));
  CHECK(gpu.loss == Approx(cpu.loss).epsilon(1e-4));
  // The quantizers round a value the other way when its input differs in the last bit (the
  // GEMMs sum in another order), which moves single elements by a quantization step: compare
  // whole tensors in the L2 norm.
  for (const auto& [name, g] : cpu.grads) {
    INFO(name);
    CHECK(relative_l2(gpu.grads.at(name), g) < 1e-2);
  }
  for (const auto& [name, p] : cpu.params) {
    INFO(name);
    CHECK(relative_l2(gpu.params.at(name), p) < 1e-2);
  }
}

TEST_CASE("a TriX training step on CUDA equals the CPU step (learned router with the prior, dense router "
          "gradient, load-balancing loss)") {
  TRIT_REQUIRE_GPU();
  models::ModelConfig c = tiny("trix");
  c.n_tiles = 32;
  c.d_tile = 16;
  c.router = "learned";
  c.router_prior = 5;
  c.router_lr_scale = 0.1;
  c.router_dense_grad = true;
  c.aux_loss_weight = 0.1;
  const StepResult cpu = step(c, Device::cpu());
  const StepResult gpu = step(c, Device::cuda(0));
  CHECK(gpu.loss == Approx(cpu.loss).epsilon(1e-4));
  // The prior puts each token far from a routing tie, so both devices route alike: the same
  // tokens per tile, and gradients for the same tiles.
  REQUIRE(gpu.stats.size() == cpu.stats.size());
  for (size_t i = 0; i < cpu.stats.size(); ++i) {
    INFO(cpu.stats[i].first);
    CHECK(gpu.stats[i].first == cpu.stats[i].first);
    CHECK(gpu.stats[i].second == Approx(cpu.stats[i].second).epsilon(1e-6));
  }
  REQUIRE(gpu.grads.size() == cpu.grads.size());
  // 32 tiles per layer for 38 tokens: some get none, and so no gradient (the sparse path ran).
  REQUIRE(cpu.grads.size() < cpu.params.size());
  for (const auto& [name, g] : cpu.grads) {
    INFO(name);
    REQUIRE(gpu.grads.count(name) == 1);
    CHECK(relative_l2(gpu.grads.at(name), g) < 1e-2);
  }
  for (const auto& [name, p] : cpu.params) {
    INFO(name);
    CHECK(relative_l2(gpu.params.at(name), p) < 1e-2);
  }
}

// A whole training step on CUDA against the same step on the CPU: model moved with
// Module::to, forward, fused cross-entropy, backward, AdamW. It exercises every CUDA op a
// decoder uses, the matmul (cuBLASLt) and the fused attention included, so it passes only in a
// build that has all of them.
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
  std::map<std::string, Tensor> grads, params;
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
  loss.backward();
  StepResult r;
  r.loss = loss.item();
  for (const auto& [name, p] : model->named_parameters()) r.grads[name] = p.grad().to(Device::cpu());
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


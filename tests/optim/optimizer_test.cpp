#include <catch2/catch.hpp>

#include <vector>

#include "trit/autograd/grad_mode.h"
#include "trit/core/rng.h"
#include "trit/ops/binary.h"
#include "trit/optim/adamw.h"
#include "trit/optim/sgd.h"

using namespace trit;
using namespace trit::optim;

namespace {

std::vector<Tensor> make_params(uint64_t seed) {
  Generator gen(seed);
  Tensor w = Tensor::randn({4, 3}, gen), b = Tensor::randn({3}, gen);
  w.requires_grad_(true).set_name("layers.0.w");
  b.requires_grad_(true).set_name("layers.0.b");
  return {w, b};
}

std::vector<Tensor> clone_params(const std::vector<Tensor>& ps) {
  std::vector<Tensor> out;
  for (const Tensor& p : ps) {
    Tensor c = p.detach().clone();
    c.requires_grad_(true).set_name(p.name());
    out.push_back(c);
  }
  return out;
}

void set_grads(const std::vector<Tensor>& ps, Generator& gen) {
  for (Tensor p : ps) p.set_grad(Tensor::randn(p.shape(), gen));
}

template <typename Opt, typename Config>
void check_resume_is_identical(const Config& config) {
  std::vector<Tensor> a = make_params(1);
  Opt opt_a(a, config);
  Generator grads(9);
  for (int i = 0; i < 3; ++i) {
    set_grads(a, grads);
    opt_a.step();
  }
  // Resume: fresh parameters and optimizer loaded from the saved state.
  std::vector<Tensor> b = clone_params(a);
  Opt opt_b(b, config);
  opt_b.load_state_dict(opt_a.state_dict());
  CHECK(opt_b.step_count() == 3);
  Generator grads_b = grads;
  for (int i = 0; i < 2; ++i) {
    set_grads(a, grads);
    set_grads(b, grads_b);
    opt_a.step();
    opt_b.step();
  }
  for (size_t i = 0; i < a.size(); ++i) CHECK(a[i].to_vector<float>() == b[i].to_vector<float>());
}

}  // namespace

TEST_CASE("AdamW state save and load continues bit-identically") {
  AdamWConfig cfg;
  cfg.lr = 1e-2;
  cfg.weight_decay = 0.1;
  check_resume_is_identical<AdamW>(cfg);
}

TEST_CASE("SGD momentum state save and load continues bit-identically") {
  check_resume_is_identical<SGD>(SGDConfig{0.1, 0.9, 0.0, true, 1e-3});
}

TEST_CASE("optimizer state is keyed by dotted parameter names and copied out") {
  std::vector<Tensor> ps = make_params(2);
  AdamW opt(ps, AdamWConfig{});
  Generator gen(3);
  set_grads(ps, gen);
  opt.step();
  OptimizerState state = opt.state_dict();
  CHECK(state.size() == 5);
  CHECK(state.at("step").item() == 1.0);
  REQUIRE(state.count("layers.0.w.exp_avg") == 1);
  CHECK(state.at("layers.0.w.exp_avg_sq").shape() == Shape{4, 3});
  // The saved state is a copy: stepping on does not change it.
  const std::vector<float> saved = state.at("layers.0.b.exp_avg").to_vector<float>();
  set_grads(ps, gen);
  opt.step();
  CHECK(state.at("layers.0.b.exp_avg").to_vector<float>() == saved);
}

TEST_CASE("optimizer load_state_dict names bad entries") {
  std::vector<Tensor> ps = make_params(2);
  AdamW opt(ps, AdamWConfig{});
  OptimizerState state{{"step", Tensor::scalar(2.0, DType::f64)}};
  state["layers.0.w.exp_avg"] = Tensor::zeros({3, 4});
  CHECK_THROWS_WITH(opt.load_state_dict(state), Catch::Contains("layers.0.w.exp_avg") && Catch::Contains("[4, 3]"));
  state.erase("layers.0.w.exp_avg");
  state["layers.9.w.exp_avg"] = Tensor::zeros({4, 3});
  CHECK_THROWS_WITH(opt.load_state_dict(state), Catch::Contains("names no parameter 'layers.9.w'"));
  state.erase("layers.9.w.exp_avg");
  state["layers.0.w.momentum_buffer"] = Tensor::zeros({4, 3});
  CHECK_THROWS_WITH(opt.load_state_dict(state), Catch::Contains("unexpected entry 'layers.0.w.momentum_buffer'"));
  CHECK_THROWS_WITH(opt.load_state_dict({}), Catch::Contains("\"step\""));
  state.erase("layers.0.w.momentum_buffer");
  state["step"] = Tensor::scalar(1.5, DType::f64);
  CHECK_THROWS_WITH(opt.load_state_dict(state), Catch::Contains("1.5"));
}

TEST_CASE("optimizer names unnamed parameters by index and rejects duplicates") {
  Tensor a = Tensor::zeros({2}), b = Tensor::zeros({2});
  a.requires_grad_(true);
  b.requires_grad_(true);
  SGD opt({a, b}, SGDConfig{});
  CHECK(opt.names() == std::vector<std::string>{"param.0", "param.1"});
  CHECK_THROWS_WITH(SGD({a, a}, SGDConfig{}), Catch::Contains("listed twice"));
  Tensor c = Tensor::zeros({2});
  c.requires_grad_(true).set_name("x");
  Tensor d = Tensor::zeros({2});
  d.requires_grad_(true).set_name("x");
  CHECK_THROWS_WITH(SGD({c, d}, SGDConfig{}), Catch::Contains("two parameters are named 'x'"));
}

TEST_CASE("a step invalidates graphs that saved the parameter, and zero_grad drops grads") {
  std::vector<Tensor> ps = make_params(4);
  SGD opt(ps, SGDConfig{0.1});
  const uint64_t v = ps[0].storage()->version();
  Generator gen(5);
  set_grads(ps, gen);
  opt.step();
  CHECK(ps[0].storage()->version() == v + 1);
  opt.zero_grad();
  CHECK_FALSE(ps[0].grad().defined());
  CHECK_FALSE(ps[1].grad().defined());
  CHECK(GradMode::enabled());  // the step's NoGradGuard was released
}

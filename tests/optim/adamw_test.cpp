#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "trit/core/rng.h"
#include "trit/optim/adamw.h"

using namespace trit;
using namespace trit::optim;

namespace {

Tensor param(std::vector<double> v, Shape shape, const char* name) {
  Tensor t = Tensor::from_vector<double>(v, shape);
  t.requires_grad_(true).set_name(name);
  return t;
}

}  // namespace

// Two steps worked out by hand (lr 0.1, betas 0.9/0.999, eps 1e-8, weight decay 0.1):
// step 1, g = (0.5, -0.25): p <- p (1 - 0.01); m = 0.1 g; v = 0.001 g^2; the bias corrections
//   turn m/(sqrt(v)+eps) into g/(|g|+eps), so p moves by 0.1 * (1 - 2e-8) and 0.1 * (1 - 4e-8):
//   p = (0.99 - 0.1 + 2e-9, -1.98 + 0.1 - 4e-9) = (0.890000002, -1.880000004).
// step 2, g = (-0.5, 0.5): p <- p * 0.99 = (0.88110000198, -1.86120000396);
//   m = 0.9 m + 0.1 g = (-0.005, 0.0275); v = 0.999 v + 0.001 g^2 = (0.00049975, 0.0003124375);
//   bias corrections 1 - 0.9^2 = 0.19 and 1 - 0.999^2 = 0.001999: mhat = (-0.026315789..,
//   0.144736842..), sqrt(vhat) = (0.5, 0.3953440...), so p = (0.8863631597694736,
//   -1.8978103557375463). The vector b does not decay (1-D, nanoGPT's rule).
TEST_CASE("AdamW matches two steps worked out by hand, decaying matrices only") {
  Tensor w = param({1.0, -2.0}, {1, 2}, "w");
  Tensor b = param({1.0, -2.0}, {2}, "b");
  AdamW opt({w, b}, AdamWConfig{0.1, 0.9, 0.999, 1e-8, 0.1});
  CHECK(opt.decays(0));
  CHECK_FALSE(opt.decays(1));

  w.set_grad(Tensor::from_vector<double>({0.5, -0.25}, {1, 2}));
  b.set_grad(Tensor::from_vector<double>({0.5, -0.25}, {2}));
  opt.step();
  std::vector<double> pw = w.to_vector<double>(), pb = b.to_vector<double>();
  CHECK(pw[0] == Approx(0.890000002).epsilon(1e-14));
  CHECK(pw[1] == Approx(-1.880000004).epsilon(1e-14));
  CHECK(pb[0] == Approx(1.0 - 0.1 + 2e-9).epsilon(1e-14));
  CHECK(pb[1] == Approx(-2.0 + 0.1 - 4e-9).epsilon(1e-14));

  w.set_grad(Tensor::from_vector<double>({-0.5, 0.5}, {1, 2}));
  b.set_grad(Tensor::from_vector<double>({-0.5, 0.5}, {2}));
  opt.step();
  pw = w.to_vector<double>();
  CHECK(pw[0] == Approx(0.8863631597694736).epsilon(1e-14));
  CHECK(pw[1] == Approx(-1.8978103557375463).epsilon(1e-14));
  CHECK(opt.step_count() == 2);
  const auto state = opt.state_dict();
  CHECK(state.at("w.exp_avg").to_vector<double>()[1] == Approx(0.0275).epsilon(1e-14));
  CHECK(state.at("w.exp_avg_sq").to_vector<double>()[0] == Approx(0.00049975).epsilon(1e-14));
}

TEST_CASE("AdamW in float32 over a large tensor agrees with a scalar double loop") {
  const int64_t n = 100003;  // odd size, large enough to split across threads
  Generator gen(5);
  Tensor p = Tensor::randn({n}, gen);
  p.requires_grad_(true);
  AdamWConfig cfg{3e-3, 0.9, 0.95, 1e-8, 0.1, [](const std::string&, const Tensor&) { return true; }};
  AdamW opt({p}, cfg);
  std::vector<double> ref(p.to_vector<double>()), m(n, 0.0), v(n, 0.0);
  for (int t = 1; t <= 3; ++t) {
    Tensor g = Tensor::randn({n}, gen);
    const std::vector<double> gv = g.to_vector<double>();
    p.set_grad(g);
    opt.step();
    for (int64_t i = 0; i < n; ++i) {
      ref[i] *= 1.0 - cfg.lr * cfg.weight_decay;
      m[i] = cfg.beta1 * m[i] + (1 - cfg.beta1) * gv[i];
      v[i] = cfg.beta2 * v[i] + (1 - cfg.beta2) * gv[i] * gv[i];
      const double mhat = m[i] / (1 - std::pow(cfg.beta1, t)), vhat = v[i] / (1 - std::pow(cfg.beta2, t));
      ref[i] -= cfg.lr * mhat / (std::sqrt(vhat) + cfg.eps);
    }
  }
  const std::vector<float> got = p.to_vector<float>();
  double worst = 0;
  for (int64_t i = 0; i < n; ++i) worst = std::max(worst, std::abs(got[i] - ref[i]) / (std::abs(ref[i]) + 1e-3));
  CHECK(worst < 1e-5);
}

TEST_CASE("AdamW decay predicate, skipped parameters and version bumps") {
  Tensor emb = param({1, 2, 3, 4}, {2, 2}, "tok_emb.weight");
  Tensor norm = param({1, 1}, {2}, "norm.weight");
  AdamWConfig cfg;
  cfg.lr = 0.5;
  cfg.weight_decay = 0.5;
  cfg.decay = [](const std::string& name, const Tensor& t) { return t.dim() >= 2 && name.find("emb") == std::string::npos; };
  AdamW opt({emb, norm}, cfg);
  CHECK_FALSE(opt.decays(0));
  CHECK_FALSE(opt.decays(1));

  // A zero gradient leaves an undecayed parameter unchanged; a missing gradient skips it.
  const uint64_t version = emb.storage()->version();
  emb.set_grad(Tensor::zeros({2, 2}, DType::f64));
  opt.step();
  CHECK(emb.to_vector<double>() == std::vector<double>{1, 2, 3, 4});
  CHECK(emb.storage()->version() > version);
  CHECK(norm.to_vector<double>() == std::vector<double>{1, 1});
  const auto state = opt.state_dict();
  CHECK(state.count("tok_emb.weight.exp_avg") == 1);
  CHECK(state.count("norm.weight.exp_avg") == 0);

  // With decay on and a zero gradient, the parameter shrinks by exactly (1 - lr wd).
  cfg.decay = decay_matrices;
  Tensor w = param({2, 4}, {1, 2}, "w");
  AdamW opt2({w}, cfg);
  w.set_grad(Tensor::zeros({1, 2}, DType::f64));
  opt2.step();
  CHECK(w.to_vector<double>() == std::vector<double>{1.5, 3.0});
}

TEST_CASE("AdamW rejects bad hyperparameters and parameters") {
  Tensor w = param({1, 2}, {2}, "w");
  CHECK_THROWS_WITH(AdamW({w}, AdamWConfig{1e-3, 1.0, 0.999, 1e-8, 0.0}), Catch::Contains("betas"));
  CHECK_THROWS_WITH(AdamW({w}, AdamWConfig{1e-3, 0.9, 0.999, 0.0, 0.0}), Catch::Contains("eps"));
  CHECK_THROWS_WITH(AdamW({w}, AdamWConfig{-1.0, 0.9, 0.999, 1e-8, 0.0}), Catch::Contains("learning rate"));
  Tensor h = Tensor::zeros({2}, DType::bf16);
  h.requires_grad_(true).set_name("h");
  CHECK_THROWS_WITH(AdamW({h}, AdamWConfig{}), Catch::Contains("'h'") && Catch::Contains("bf16"));
  Tensor not_leaf = Tensor::zeros({2}, DType::f64);
  CHECK_THROWS_WITH(AdamW({not_leaf}, AdamWConfig{}), Catch::Contains("requires grad"));
}

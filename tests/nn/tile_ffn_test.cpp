#include <catch2/catch.hpp>

#include <utility>

#include "support/check.h"
#include "support/cuda.h"
#include "support/device_compare.h"
#include "trit/nn/tile_ffn.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::nn;

namespace {

TileFfnConfig small(RouterKind router) {
  TileFfnConfig c;
  c.d_model = 16;
  c.d_tile = 8;
  c.n_tiles = 4;
  c.router = router;
  c.init_std = 0.2;
  c.out_init_std = 0.2;
  return c;
}

Tensor row(const Tensor& x2d, int64_t n) { return x2d.narrow(0, n, 1).contiguous(); }

}  // namespace

TEST_CASE("each token's output is its routed tile's GluFfn output") {
  for (RouterKind kind : {RouterKind::signature, RouterKind::hash}) {
    INFO(router_kind_name(kind));
    Generator g(5);
    TileFfn ffn(small(kind), g);
    Tensor x = Tensor::randn({3, 10, 16}, g);
    std::vector<int32_t> idv(30);
    for (int i = 0; i < 30; ++i) idv[size_t(i)] = (i * 37) % 256;
    const Tensor ids = Tensor::from_vector(idv, {3, 10});
    NoGradGuard no_grad;
    const Tensor y = ffn.forward(x, ids).reshape({30, 16});
    const std::vector<int32_t> tile = ffn.route(x.reshape({30, 16}), ids, nullptr, nullptr);
    int64_t total = 0;
    for (int64_t c : ffn.last_counts()) total += c;
    CHECK(total == 30);
    for (int64_t n = 0; n < 30; ++n) {
      INFO("token " << n << " tile " << tile[size_t(n)]);
      const Tensor expect = (*ffn.tiles)[size_t(tile[size_t(n)])].forward(row(x.reshape({30, 16}), n));
      test::check_close(row(y, n), expect, 1e-5, 1e-6);
    }
    if (kind == RouterKind::signature) {
      // The choice maximises x . signature.
      std::vector<Tensor> ups;
      for (const auto& t : *ffn.tiles) ups.push_back(t->up.weight());
      const auto scores = linear(x.reshape({30, 16}), tile_signatures(ups)).to_vector<float>();
      for (int64_t n = 0; n < 30; ++n)
        for (int64_t e = 0; e < 4; ++e) CHECK(scores[size_t(n * 4 + e)] <= scores[size_t(n * 4 + tile[size_t(n)])]);
    }
  }
}

TEST_CASE("learned router: output scaled by the kept probability, router gradient by finite differences") {
  Generator g(6);
  TileFfn ffn(small(RouterKind::learned), g);
  Tensor x = Tensor::randn({12, 16}, g);
  Tensor r = Tensor::randn({12, 16}, g);  // fixed random weighting of the outputs
  auto objective = [&]() { return sum(ffn.forward(x, Tensor()) * r); };
  const Tensor loss = objective();
  loss.backward();
  const Tensor grad = ffn.router->weight.grad();
  REQUIRE(grad.defined());
  CHECK(ffn.last_aux_loss().defined());
  // Forward value: y = p[n, tile] * tile FFN.
  {
    NoGradGuard no_grad;
    Tensor gate;
    const auto tile = ffn.route(x, Tensor(), &gate, nullptr);
    const Tensor y = ffn.forward(x, Tensor());
    const auto gv = gate.to_vector<float>();
    for (int64_t n = 0; n < 12; ++n) {
      const Tensor expect = (*ffn.tiles)[size_t(tile[size_t(n)])].forward(row(x, n)) * double(gv[size_t(n)]);
      test::check_close(row(y, n), expect, 1e-5, 1e-6);
    }
  }
  // Straight-through top-1: the choice is constant, the probability carries the gradient.
  NoGradGuard no_grad;
  const auto gv = grad.to_vector<float>();
  float* w = ffn.router->weight.data<float>();
  const double eps = 1e-2;
  double max_grad = 0;
  for (float v : gv) max_grad = std::max(max_grad, double(std::abs(v)));
  CHECK(max_grad > 1e-4);
  for (int64_t i : {0, 17, 40, 63}) {
    const float keep = w[i];
    w[i] = keep + float(eps);
    const double up = objective().item();
    w[i] = keep - float(eps);
    const double down = objective().item();
    w[i] = keep;
    INFO("router weight " << i);
    CHECK((up - down) / (2 * eps) == Approx(gv[size_t(i)]).margin(2e-3 + 0.02 * max_grad));
  }
}

TEST_CASE("aux loss: defined for signature and learned routers in grad mode, not for hash") {
  for (RouterKind kind : {RouterKind::signature, RouterKind::learned, RouterKind::hash}) {
    INFO(router_kind_name(kind));
    Generator g(7);
    TileFfn ffn(small(kind), g);
    const Tensor x = Tensor::randn({20, 16}, g);
    const Tensor ids = Tensor::arange(20);
    ffn.forward(x, ids);
    CHECK(ffn.last_aux_loss().defined() == (kind != RouterKind::hash));
    if (kind != RouterKind::hash) CHECK((ffn.last_aux_loss().item() > 0 && ffn.last_aux_loss().item() <= 0.01 * 4));
    NoGradGuard no_grad;
    ffn.forward(x, ids);
    CHECK_FALSE(ffn.last_aux_loss().defined());
  }
  Generator g(8);
  TileFfn hash(small(RouterKind::hash), g);
  CHECK_THROWS_WITH(hash.forward(Tensor::randn({4, 16}, g), Tensor()), Catch::Contains("needs the i32 token ids"));
}

TEST_CASE("learned_st router: full-size output, the router's gradient is the learned router's") {
  Generator g1(6), g2(6), g3(6);
  TileFfn st(small(RouterKind::learned_st), g1);
  TileFfn sw(small(RouterKind::learned), g2);   // same init: same seed, same parameter order
  TileFfn sw2(small(RouterKind::learned), g3);
  Generator gx(9);
  const Tensor x = Tensor::randn({12, 16}, gx);
  const Tensor r = Tensor::randn({12, 16}, gx);
  const Tensor y = st.forward(x, Tensor());
  {
    NoGradGuard no_grad;
    const auto tile = st.route(x, Tensor(), nullptr, nullptr);
    for (int64_t n = 0; n < 12; ++n)
      test::check_close(row(y, n), (*st.tiles)[size_t(tile[size_t(n)])].forward(row(x, n)), 1e-5, 1e-6);
  }
  sum(y * r).backward();
  // Router: d/dp of r.(t g) is r.t for both (g = p, or g = 1 + p - stop(p)).
  sum(sw.forward(x, Tensor()) * r).backward();
  test::check_close(st.router->weight.grad(), sw.router->weight.grad(), 1e-4, 1e-6);
  // Tiles: the straight-through gate passes the gradient at full size (Switch's divided by p).
  Tensor gate;
  const auto tile = sw2.route(x, Tensor(), &gate, nullptr);
  const Tensor inv_p = (1.0 / gate.detach()).reshape({12, 1});
  sum(sw2.forward(x, Tensor()) * r * inv_p).backward();
  test::check_close(st.tiles->ptr(size_t(tile[0]))->up.weight().grad(),
                    sw2.tiles->ptr(size_t(tile[0]))->up.weight().grad(), 1e-4, 1e-6);
}

TEST_CASE("router prior: starts every token on its hash tile, and its gradient is the router's") {
  TileFfnConfig c = small(RouterKind::learned);
  c.vocab_size = 50;
  c.router_prior = 50.0;  // far above any x . Wr: the routes are the hash's
  c.layer = 2;
  Generator g(7);
  TileFfn ffn(c, g);
  REQUIRE(ffn.router_prior.defined());
  CHECK(ffn.router_prior.shape() == Shape{50, 4});
  Tensor x = Tensor::randn({20, 16}, g);
  std::vector<int32_t> idv(20);
  for (int i = 0; i < 20; ++i) idv[size_t(i)] = (i * 7) % 50;
  const Tensor ids = Tensor::from_vector(idv, {20});
  {
    NoGradGuard no_grad;
    const auto tile = ffn.route(x, ids, nullptr, nullptr);
    for (int i = 0; i < 20; ++i) CHECK(tile[size_t(i)] == hash_tile(idv[size_t(i)], 2, 4));
  }
  // Without the ids the prior cannot be applied: an error, not a silent routing by x alone.
  CHECK_THROWS_WITH(ffn.forward(x, Tensor()), Catch::Contains("token ids"));
  // A modest prior: the gradient of the logits reaches the rows of the tokens seen, by finite
  // differences, and no other row.
  float* b = ffn.router_prior.data<float>();
  for (int64_t i = 0; i < ffn.router_prior.numel(); ++i) b[i] *= 0.01f;
  Tensor r = Tensor::randn({20, 16}, g);
  auto objective = [&]() { return sum(ffn.forward(x, ids) * r); };
  objective().backward();
  const Tensor grad = ffn.router_prior.grad();
  REQUIRE(grad.defined());
  const auto gv = grad.to_vector<float>();
  for (int v = 1; v < 50; v += 7) {  // rows of tokens never seen (seen: multiples of 7 mod 50)
    bool seen = false;
    for (int id : idv) seen = seen || id == v;
    if (seen) continue;
    for (int e = 0; e < 4; ++e) CHECK(gv[size_t(v * 4 + e)] == 0.0f);
  }
  NoGradGuard no_grad;
  const double eps = 1e-2;
  for (int64_t i : {int64_t(0), int64_t(7 * 4 + 1), int64_t(14 * 4 + 3)}) {
    const float keep = b[i];
    b[i] = keep + float(eps);
    const double up = objective().item();
    b[i] = keep - float(eps);
    const double down = objective().item();
    b[i] = keep;
    INFO("prior entry " << i);
    CHECK((up - down) / (2 * eps) == Approx(gv[size_t(i)]).margin(2e-3));
  }
}

TEST_CASE("router learning-rate factor: the same start logits, gradients scaled by the factor") {
  TileFfnConfig c = small(RouterKind::learned);
  Generator g1(9), g2(9), gx(10);
  TileFfn plain(c, g1);
  c.router_lr_scale = 0.1;
  TileFfn slow(c, g2);
  test::check_close(slow.router->weight * 0.1, plain.router->weight, 1e-6, 1e-7);
  const Tensor x = Tensor::randn({12, 16}, gx);
  Tensor ga, gb;
  CHECK(plain.route(x, Tensor(), &ga, nullptr) == slow.route(x, Tensor(), &gb, nullptr));
  test::check_close(gb, ga, 1e-6, 1e-7);
  // d logits / d W is s * x: the slow router's weight gradient is 0.1x the plain one's, and
  // Adam (invariant to that) then moves the logits 0.1x as far per step.
  sum(plain.forward(x, Tensor())).backward();
  sum(slow.forward(x, Tensor())).backward();
  test::check_close(slow.router->weight.grad(), plain.router->weight.grad() * 0.1, 1e-5, 1e-7);
}

TEST_CASE("router_dense_grad: same outputs and tile gradients; the router's gradient also scores the tiles not chosen") {
  for (RouterKind kind : {RouterKind::learned_st, RouterKind::learned}) {
    INFO(router_kind_name(kind));
    TileFfnConfig c = small(kind);
    Generator g1(21), g2(21), gx(22);
    TileFfn plain(c, g1);
    c.router_dense_grad = true;
    TileFfn dense(c, g2);
    const Tensor x = Tensor::randn({24, 16}, gx);
    const Tensor r = Tensor::randn({24, 16}, gx);
    const Tensor y_plain = plain.forward(x, Tensor()), y_dense = dense.forward(x, Tensor());
    test::check_close(y_dense, y_plain, 0, 0);
    sum(y_plain * r).backward();
    sum(y_dense * r).backward();
    for (size_t e = 0; e < 4; ++e) {
      const Tensor a = plain.tiles->ptr(e)->up.weight().grad(), b = dense.tiles->ptr(e)->up.weight().grad();
      REQUIRE(a.defined() == b.defined());
      if (a.defined()) test::check_close(b, a, 0, 0);
    }
    // The rule, by finite differences on the router weights: the gradient of
    //   sum_n sum_e p[n, e] <r[n], o[n, e]>,
    // o[n, tile[n]] row n's own tile output and o[n, e] = m_e, the mean output of tile e over
    // its rows, for the other tiles (outputs before the gate, held constant). For learned this
    // is sum(r * y) plus the stand-in's term; learned_st has the same router gradient.
    std::vector<int32_t> tile;
    std::vector<double> own, m;  // [N, C], [E, C]
    {
      NoGradGuard no_grad;
      tile = dense.route(x, Tensor(), nullptr, nullptr);
      m.assign(4 * 16, 0.0);
      std::vector<int> count(4, 0);
      for (int64_t n = 0; n < 24; ++n) {
        const auto t = (*dense.tiles)[size_t(tile[size_t(n)])].forward(row(x, n)).to_vector<double>();
        own.insert(own.end(), t.begin(), t.end());
        for (int64_t k = 0; k < 16; ++k) m[size_t(tile[size_t(n)] * 16 + k)] += t[size_t(k)];
        count[size_t(tile[size_t(n)])] += 1;
      }
      for (int e = 0; e < 4; ++e)
        for (int k = 0; k < 16; ++k)
          if (count[size_t(e)]) m[size_t(e * 16 + k)] /= count[size_t(e)];
    }
    const auto rv = r.to_vector<double>();
    auto objective = [&]() {
      REQUIRE(dense.route(x, Tensor(), nullptr, nullptr) == tile);  // the routes hold under the step
      const auto p = softmax(dense.router->forward(x), -1).to_vector<double>();
      double total = 0;
      for (int64_t n = 0; n < 24; ++n)
        for (int e = 0; e < 4; ++e) {
          const double* o = e == tile[size_t(n)] ? &own[size_t(n * 16)] : &m[size_t(e * 16)];
          double dot = 0;
          for (int k = 0; k < 16; ++k) dot += rv[size_t(n * 16 + k)] * o[k];
          total += p[size_t(n * 4 + e)] * dot;
        }
      return total;
    };
    const auto gv = dense.router->weight.grad().to_vector<float>();
    const auto gplain = plain.router->weight.grad().to_vector<float>();
    double max_grad = 0, max_change = 0;
    for (size_t i = 0; i < gv.size(); ++i) {
      max_grad = std::max(max_grad, double(std::abs(gv[i])));
      max_change = std::max(max_change, double(std::abs(gv[i] - gplain[i])));
    }
    CHECK(max_change > 0.1 * max_grad);  // the stand-in changes the router's gradient
    NoGradGuard no_grad;
    float* w = dense.router->weight.data<float>();
    const double eps = 1e-2;
    for (int64_t i : {0, 9, 33, 50, 63}) {
      const float keep = w[i];
      w[i] = keep + float(eps);
      const double up = objective();
      w[i] = keep - float(eps);
      const double down = objective();
      w[i] = keep;
      INFO("router weight " << i);
      CHECK((up - down) / (2 * eps) == Approx(gv[size_t(i)]).margin(2e-3 + 0.02 * max_grad));
    }
  }
}

TEST_CASE("TileFfn on CUDA: the CPU's routes, outputs and gradients (learned_st with the prior, learned, "
          "learned with router_dense_grad, hash)") {
  TRIT_REQUIRE_GPU();
  const std::pair<RouterKind, bool> cases[] = {
      {RouterKind::learned_st, false}, {RouterKind::learned, false}, {RouterKind::learned, true}, {RouterKind::hash, false}};
  for (const auto& [kind, dense_grad] : cases) {
    INFO(router_kind_name(kind) << (dense_grad ? ", router_dense_grad" : ""));
    TileFfnConfig c = small(kind);
    c.n_tiles = 8;
    c.router_dense_grad = dense_grad;
    if (kind == RouterKind::learned_st) {
      c.vocab_size = 64;
      c.router_prior = 1.0;
      c.router_lr_scale = 0.5;
    }
    Generator g1(11), g2(11), gx(12);
    TileFfn cpu(c, g1), gpu(c, g2);
    gpu.to(Device::cuda(0));
    const Tensor x = Tensor::randn({37, 16}, gx), r = Tensor::randn({37, 16}, gx);
    std::vector<int32_t> idv(37);
    for (int i = 0; i < 37; ++i) idv[size_t(i)] = (i * 13 + 5) % 64;
    const Tensor ids = Tensor::from_vector(idv, {37});
    const Tensor x_gpu = x.to(Device::cuda(0)), ids_gpu = ids.to(Device::cuda(0)), r_gpu = r.to(Device::cuda(0));
    {
      NoGradGuard no_grad;
      CHECK(gpu.route(x_gpu, ids_gpu, nullptr, nullptr) == cpu.route(x, ids, nullptr, nullptr));
    }
    const Tensor y_cpu = cpu.forward(x, ids), y_gpu = gpu.forward(x_gpu, ids_gpu);
    test::require_close(y_gpu.to(Device::cpu()), y_cpu, 1e-5, 1e-6, "output");
    sum(y_cpu * r).backward();
    sum(y_gpu * r_gpu).backward();
    const auto pc = cpu.named_parameters(), pg = gpu.named_parameters();
    REQUIRE(pc.size() == pg.size());
    for (size_t i = 0; i < pc.size(); ++i) {
      INFO(pc[i].first);
      const Tensor gc = pc[i].second.grad(), gg = pg[i].second.grad();
      REQUIRE(gc.defined() == gg.defined());
      if (gc.defined()) test::require_close(gg.to(Device::cpu()), gc, 1e-4, 1e-6, "gradient");
    }
  }
}

// The CUDA kernels' per-element arithmetic (kernel_math.h), run on the CPU against the CPU ops:
// every unary and binary op forward and backward, the strided walk, the row gather, the
// quantizers, RoPE, the cross-entropy gradient and the AdamW update. Runs without a GPU.
#include "trit/backend/cuda/kernel_math.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "support/device_compare.h"
#include "trit/optim/adamw.h"

using namespace trit;
using namespace trit::cuda;

namespace {

// Values with both signs, zeros and magnitudes from 1e-3 to 8.
std::vector<float> sample_values(bool positive) {
  std::vector<float> v;
  for (int i = -400; i <= 400; ++i) {
    const float x = float(i) / 50.0f;
    if (!positive || x > 0) v.push_back(x);
  }
  v.push_back(1e-3f);
  v.push_back(positive ? 3e-2f : -1e-3f);
  return v;
}

bool close(double got, double want, double rtol = 2e-6, double atol = 1e-7) {
  return std::abs(got - want) <= atol + rtol * std::abs(want);
}

struct UnaryCase {
  const char* name;
  UnaryOp op;
  float pa, pb;
  std::function<Tensor(const Tensor&)> cpu;
  bool positive;
};

}  // namespace

TEST_CASE("kernel math: every unary op and its derivative equal the CPU op") {
  const std::vector<UnaryCase> cases = {
      {"neg", UnaryOp::neg, 0, 0, [](const Tensor& t) { return neg(t); }, false},
      {"exp", UnaryOp::exp, 0, 0, [](const Tensor& t) { return exp(t); }, false},
      {"log", UnaryOp::log, 0, 0, [](const Tensor& t) { return log(t); }, true},
      {"sqrt", UnaryOp::sqrt, 0, 0, [](const Tensor& t) { return sqrt(t); }, true},
      {"rsqrt", UnaryOp::rsqrt, 0, 0, [](const Tensor& t) { return rsqrt(t); }, true},
      {"abs", UnaryOp::abs, 0, 0, [](const Tensor& t) { return abs(t); }, false},
      {"tanh", UnaryOp::tanh, 0, 0, [](const Tensor& t) { return tanh(t); }, false},
      {"sigmoid", UnaryOp::sigmoid, 0, 0, [](const Tensor& t) { return sigmoid(t); }, false},
      {"relu", UnaryOp::relu, 0, 0, [](const Tensor& t) { return relu(t); }, false},
      {"relu2", UnaryOp::relu2, 0, 0, [](const Tensor& t) { return relu2(t); }, false},
      {"silu", UnaryOp::silu, 0, 0, [](const Tensor& t) { return silu(t); }, false},
      {"gelu", UnaryOp::gelu, 0, 0, [](const Tensor& t) { return gelu(t); }, false},
      {"clamp", UnaryOp::clamp, -0.5f, 0.7f, [](const Tensor& t) { return clamp(t, -0.5, 0.7); }, false},
      {"pow 2", UnaryOp::pow, 2.0f, 0, [](const Tensor& t) { return pow(t, 2.0); }, false},
      {"pow 0", UnaryOp::pow, 0.0f, 0, [](const Tensor& t) { return pow(t, 0.0); }, false},
      {"pow 1.7", UnaryOp::pow, 1.7f, 0, [](const Tensor& t) { return pow(t, 1.7); }, true},
  };
  for (const UnaryCase& c : cases) {
    INFO(c.name);
    const std::vector<float> xs = sample_values(c.positive);
    Tensor x = Tensor::from_vector(xs, {int64_t(xs.size())});
    x.requires_grad_();
    const Tensor y = c.cpu(x);
    const Tensor g = test::random_f32({int64_t(xs.size())}, 5);
    y.backward(g);
    const auto yv = y.to_vector<float>(), gv = g.to_vector<float>(), dv = x.grad().to_vector<float>();
    for (size_t i = 0; i < xs.size(); ++i) {
      INFO("x = " << xs[i]);
      const float fy = apply_unary(c.op, xs[i], c.pa, c.pb);
      CHECK(close(fy, yv[i]));
      CHECK(close(apply_unary_backward(c.op, xs[i], fy, gv[i], c.pa, c.pb), dv[i], 1e-5, 1e-6));
    }
  }
}

TEST_CASE("kernel math: binary ops equal the CPU ops") {
  const std::vector<float> xs = sample_values(true);
  const std::vector<float> ys = sample_values(false);
  const size_t n = std::min(xs.size(), ys.size());
  const Tensor a = Tensor::from_vector(std::vector<float>(xs.begin(), xs.begin() + long(n)), {int64_t(n)});
  const Tensor b = Tensor::from_vector(std::vector<float>(ys.begin(), ys.begin() + long(n)), {int64_t(n)});
  const std::vector<std::pair<BinaryOp, Tensor>> cases = {
      {BinaryOp::add, a + b}, {BinaryOp::sub, a - b}, {BinaryOp::mul, a * b}, {BinaryOp::div, b / a}, {BinaryOp::pow, pow(a, b)}};
  for (const auto& [op, want] : cases) {
    INFO("op " << int(op));
    const auto w = want.to_vector<float>();
    for (size_t i = 0; i < n; ++i) {
      const float x = op == BinaryOp::div ? ys[i] : xs[i], y = op == BinaryOp::div ? xs[i] : ys[i];
      CHECK(close(apply_binary(op, x, y), w[i]));
    }
  }
  CHECK(apply_binary(BinaryOp::eq, 2.0f, 2.0f) == 1.0f);
  CHECK(apply_binary(BinaryOp::eq, 2.0f, 3.0f) == 0.0f);
}

TEST_CASE("kernel math: strided offsets walk a view in row-major order") {
  // x [4, 6] transposed and narrowed to [5, 3] (rows 1..5 of the transpose, columns 0..2),
  // added to a broadcast [3] vector: the walk must visit the same elements as the view.
  const Tensor base = Tensor::arange(24, DType::f32).reshape({4, 6});
  const Tensor view = base.transpose(0, 1).narrow(0, 1, 5).narrow(1, 0, 3);
  const Shape shape = view.shape();
  const Strides vs = view.strides(), bs = broadcast_strides({3}, {1}, shape);
  const auto d = make_strided_desc<2>(shape, {&vs, &bs}, "test");
  const auto want = view.to_vector<float>();
  const float* data = base.data<float>();
  for (int64_t i = 0; i < numel(shape); ++i) {
    int64_t off[2];
    strided_offsets(d, i, off);
    CHECK(data[view.offset() + off[0]] == want[size_t(i)]);
    CHECK(off[1] == i % 3);
  }
}

TEST_CASE("kernel math: the row gather's source offsets equal index_select") {
  const Tensor x = Tensor::arange(3 * 5 * 4, DType::f32).reshape({3, 5, 4});
  const std::vector<int32_t> idx{4, 0, 4, 2};
  const auto want = index_select(x, 1, Tensor::from_vector(idx, {4})).to_vector<float>();
  const float* xp = x.data<float>();
  for (int64_t i = 0; i < int64_t(want.size()); ++i) CHECK(xp[select_source(i, idx.data(), 5, 4, 4)] == want[size_t(i)]);
}

TEST_CASE("kernel math: gather offsets equal gather along every dim") {
  const Tensor x = Tensor::arange(4 * 5 * 3, DType::f32).reshape({4, 5, 3});
  const Strides xs = contiguous_strides(x.shape());
  const float* xp = x.data<float>();
  for (int dim = 0; dim < 3; ++dim) {
    INFO("dim " << dim);
    Shape ishape{3, 4, 2};
    ishape[size_t(dim)] = 6;  // longer than x along dim: indices repeat
    std::vector<int32_t> idx;
    for (int64_t i = 0; i < numel(ishape); ++i) idx.push_back(int32_t((i * 7 + 1) % x.shape()[size_t(dim)]));
    const auto want = gather(x, dim, Tensor::from_vector(idx, ishape)).to_vector<float>();
    StridedDesc<1> d;
    d.ndim = 3;
    for (int k = 0; k < 3; ++k) {
      d.shape[k] = ishape[size_t(k)];
      d.strides[0][k] = xs[size_t(k)];
    }
    for (int64_t i = 0; i < numel(ishape); ++i) CHECK(xp[gather_offset(d, dim, idx.data(), i)] == want[size_t(i)]);
  }
}

TEST_CASE("kernel math: quantizers equal the CPU's, including ties and the scale floors") {
  const Tensor w = test::random_f32({40, 33}, 7, 0.03);
  const auto wv = w.to_vector<float>(), want = weight_quant_ternary(w).to_vector<float>();
  double s = 0;
  for (float v : wv) s += std::abs(double(v));
  const float sw = ternary_scale_from_mean(float(s / double(wv.size())));
  CHECK(double(sw) == Approx(ternary_weight_scale(w)).epsilon(1e-7));
  for (size_t i = 0; i < wv.size(); ++i) CHECK(ternary_quant(wv[i], sw) == want[i]);
  CHECK(ternary_scale_from_mean(0.0f) == 1e5f);
  CHECK(ternary_quant(0.5f, 1.0f) == 0.0f);  // half to even
  CHECK(ternary_quant(1.5f, 1.0f) == 1.0f);  // clamped

  const Tensor x = test::random_f32({7, 129}, 8, 3.0);
  const auto xv = x.to_vector<float>(), xq = act_quant_int8(x).to_vector<float>(), sx = int8_act_scales(x).to_vector<float>();
  for (int64_t r = 0; r < 7; ++r) {
    float m = 0;
    for (int64_t i = 0; i < 129; ++i) m = std::max(m, std::abs(xv[size_t(r * 129 + i)]));
    const float s_r = int8_scale_from_absmax(m);
    CHECK(s_r == sx[size_t(r)]);
    for (int64_t i = 0; i < 129; ++i) CHECK(int8_quant(xv[size_t(r * 129 + i)], s_r) == xq[size_t(r * 129 + i)]);
  }
  CHECK(int8_quant(2.5f, 1.0f) == 2.0f);
  CHECK(int8_quant(-300.0f, 1.0f) == -128.0f);
}

TEST_CASE("kernel math: RoPE table and pair rotation equal the CPU rope, both directions") {
  const int64_t T = 5, D = 8, half = D / 2, pos0 = 3;
  const Tensor x = test::random_f32({1, 2, T, D}, 9);
  const auto xv = x.to_vector<float>(), want = rope(x, pos0, 500.0).to_vector<float>();
  for (int64_t r = 0; r < 2 * T; ++r)
    for (int64_t i = 0; i < half; ++i) {
      float c, s, a, b;
      rope_angle(pos0 + r % T, i, D, 500.0, 1.0, c, s);
      rope_pair(xv[size_t(r * D + i)], xv[size_t(r * D + i + half)], c, s, a, b);
      CHECK(a == want[size_t(r * D + i)]);
      CHECK(b == want[size_t(r * D + i + half)]);
    }
  float c, s, sb;
  rope_angle(7, 1, D, 500.0, 1.0, c, s);
  rope_angle(7, 1, D, 500.0, -1.0, c, sb);
  CHECK(sb == -s);
}

TEST_CASE("kernel math: the cross-entropy gradient equals the CPU backward") {
  Tensor logits = test::random_f32({3, 11}, 10, 2.0);
  logits.requires_grad_();
  const std::vector<int32_t> t{4, -100, 10};
  cross_entropy(logits, Tensor::from_vector(t, {3})).backward(Tensor::scalar(0.75));
  const auto lv = logits.detach().to_vector<float>(), want = logits.grad().to_vector<float>();
  const double scale = 0.75 / 2.0;  // two valid rows
  for (int64_t r : {0, 2}) {
    double m = -1e30, sum = 0;
    for (int64_t j = 0; j < 11; ++j) m = std::max(m, double(lv[size_t(r * 11 + j)]));
    for (int64_t j = 0; j < 11; ++j) sum += std::exp(double(float(lv[size_t(r * 11 + j)] - float(m))));
    const double lse = m + std::log(sum);
    for (int64_t j = 0; j < 11; ++j)
      CHECK(close(cross_entropy_grad(lv[size_t(r * 11 + j)], lse, scale, j == t[size_t(r)]), want[size_t(r * 11 + j)]));
  }
}

TEST_CASE("kernel math: the AdamW element update equals the CPU optimizer, both lerp branches") {
  for (double beta1 : {0.9, 0.3}) {
    INFO("beta1 " << beta1);
    Tensor p = test::random_f32({64, 3}, 11).set_name("w");
    const auto p0 = p.to_vector<float>();
    p.requires_grad_();
    optim::AdamWConfig config;
    config.lr = 1e-2;
    config.beta1 = beta1;
    config.weight_decay = 0.1;
    optim::AdamW opt({p}, config);
    std::vector<float> pe = p0, m(p0.size(), 0.0f), v(p0.size(), 0.0f);
    for (int step = 1; step <= 3; ++step) {
      const Tensor g = test::random_f32({64, 3}, 20 + uint64_t(step));
      p.set_grad(g);
      opt.step();
      const auto c = adamw_coeffs(beta1, config.beta2, config.eps, 1.0 - config.lr * config.weight_decay,
                                  config.lr / (1.0 - std::pow(beta1, step)), std::sqrt(1.0 - std::pow(config.beta2, step)));
      const auto gv = g.to_vector<float>();
      for (size_t i = 0; i < pe.size(); ++i) adamw_element(pe[i], gv[i], m[i], v[i], c);
    }
    const auto pv = p.detach().to_vector<float>();
    for (size_t i = 0; i < pe.size(); ++i) CHECK(close(pe[i], pv[i], 1e-6, 1e-7));
  }
}

#include "trit/nn/hyena.h"

#include <cmath>
#include <numbers>

#include "trit/nn/init.h"
#include "trit/ops/ops.h"

namespace trit::nn {
namespace {

constexpr int64_t kPosFreqs = 8;  // positional features: 1 + 2 * kPosFreqs

// x [B, T, D] delayed by s positions along T (zeros enter at the start).
Tensor shift_time(const Tensor& x, int64_t s) {
  const int64_t T = x.size(1);
  if (s >= T) return Tensor::zeros(x.shape(), x.dtype());
  return cat({Tensor::zeros({x.size(0), s, x.size(2)}, x.dtype()), narrow(x, 1, 0, T - s)}, 1);
}

}  // namespace

FilterKind parse_filter_kind(const std::string& name) {
  if (name == "explicit") return FilterKind::explicit_table;
  if (name == "implicit") return FilterKind::implicit_mlp;
  fail("unknown filter '", name, "' (valid: explicit, implicit)");
}

HyenaMixer::HyenaMixer(const HyenaConfig& c, Generator& gen) : config_(c) {
  TRIT_CHECK(c.d_model > 0 && c.max_len > 0 && c.filter_mlp_width > 0, "HyenaMixer: d_model ", c.d_model,
             ", max_len ", c.max_len, " and filter_mlp_width ", c.filter_mlp_width, " must be positive");
  const int64_t C = c.d_model, L = c.max_len;
  in_proj = make_projection(*this, "in_proj", C, 3 * C, c.ternary, c.init_std, gen);
  // Short filter starts as the identity (tap 0 = 1) plus a little noise.
  short_conv = register_parameter("short_conv", Tensor::empty({3, 3 * C}));
  init::normal_(short_conv, 0.02, gen);
  {
    float* p = short_conv.data<float>();
    for (int64_t i = 0; i < 3 * C; ++i) p[i] += 1.0f;
  }
  skip = register_parameter("skip", Tensor::empty({C}));
  init::normal_(skip, 0.02, gen, 1.0);
  // Decay exp(-a_c t/L): a_c from ln(100)/0.3 (fast) to ln(100)/1.5 (slow).
  std::vector<float> dec(size_t(L * C));
  const double fast = std::log(100.0) / 0.3, slow = std::log(100.0) / 1.5;
  for (int64_t ch = 0; ch < C; ++ch) {
    const double a = C == 1 ? slow : fast + (slow - fast) * double(ch) / double(C - 1);
    for (int64_t t = 0; t < L; ++t) dec[size_t(t * C + ch)] = float(std::exp(-a * double(t) / double(L)));
  }
  decay_ = Tensor::from_vector<float>(dec, {L, C});
  if (c.filter == FilterKind::explicit_table) {
    filter = register_parameter("filter", Tensor::empty({L, C}));
    init::normal_(filter, 1.0 / std::sqrt(double(std::min<int64_t>(L, 64))), gen);
  } else {
    const int64_t P = 1 + 2 * kPosFreqs, M = c.filter_mlp_width;
    std::vector<float> z(size_t(L * P));
    for (int64_t t = 0; t < L; ++t) {
      const double r = double(t) / double(L);
      z[size_t(t * P)] = float(r);
      for (int64_t f = 1; f <= kPosFreqs; ++f) {
        z[size_t(t * P + 2 * f - 1)] = float(std::sin(2.0 * std::numbers::pi * double(f) * r));
        z[size_t(t * P + 2 * f)] = float(std::cos(2.0 * std::numbers::pi * double(f) * r));
      }
    }
    positions_ = Tensor::from_vector<float>(z, {L, P});
    filter_mlp = register_module("filter_mlp", std::make_shared<ModuleList<Linear>>());
    const int64_t dims[4] = {P, M, M, C};
    for (int i = 0; i < 3; ++i) {
      LinearConfig lc;
      lc.in = dims[i];
      lc.out = dims[i + 1];
      lc.bias = true;
      lc.init_std = 1.0 / std::sqrt(double(dims[i]));
      filter_mlp->push_back(std::make_shared<Linear>(lc, gen));
    }
  }
  if (c.sub_norm) sub_norm = register_module("sub_norm", std::make_shared<RMSNorm>(RMSNormConfig{C, c.norm_eps}));
  out_proj = make_projection(*this, "out_proj", C, C, c.ternary, c.out_init_std, gen);
}

Tensor HyenaMixer::long_filter(int64_t T) const {
  TRIT_CHECK(T >= 1 && T <= config_.max_len, "HyenaMixer: sequence of ", T, " positions exceeds max_len ",
             config_.max_len);
  Tensor f;
  if (filter.defined()) {
    f = narrow(filter, 0, 0, T);
  } else {
    f = narrow(positions_, 0, 0, T);
    for (size_t i = 0; i < filter_mlp->size(); ++i) {
      f = (*filter_mlp)[i].forward(f);
      if (i + 1 < filter_mlp->size()) f = silu(f);
    }
  }
  return f * narrow(decay_, 0, 0, T);
}

Tensor HyenaMixer::forward(const Tensor& x) const {
  TRIT_CHECK(x.dim() == 3 && x.size(2) == config_.d_model, "HyenaMixer: x must be [B, T, ", config_.d_model,
             "], got ", shape_str(x.shape()));
  const int64_t C = config_.d_model, T = x.size(1);
  Tensor z = in_proj(x);
  z = z * select(short_conv, 0, 0) + shift_time(z, 1) * select(short_conv, 0, 1) +
      shift_time(z, 2) * select(short_conv, 0, 2);
  const auto parts = split(z, {C, C, C}, 2);
  const Tensor u = parts[1] * parts[2];
  Tensor y = parts[0] * (causal_conv(u, long_filter(T)) + u * skip);
  if (sub_norm) y = sub_norm->forward(y);
  return out_proj(y);
}

}  // namespace trit::nn

#pragma once
// Hyena-style gated causal long-convolution mixer (Poli et al. 2023, order 2), the sequence
// mixing of the byte_spectral family. Shapes: x [B, T, C] -> [B, T, C], T <= max_len.
//   (q, k, v) = short_conv(W_in x)            W_in: C -> 3C, BitLinear when ternary
//   u = k * v
//   y = q * (causal_conv(u, h) + d * u)       h [T, C] long filter, d [C] skip
//   out = W_out(subnorm(y))                   W_out: C -> C, BitLinear when ternary
// short_conv is a causal depthwise filter of 3 taps (parameter "short_conv" [3, 3C]), which
// gives the gates a local view as in H3 and Hyena. The long filter h = f(t) * exp(-a_c t/L)
// with a fixed decay per channel (a_c spread so the filter falls to 1% between 30% and 150% of
// L = max_len, Hyena's ExponentialModulation) and f either
//   explicit: a learned [max_len, C] table (parameter "filter"), or
//   implicit: a small MLP over positional features z(t) = (t/L, sin(2 pi f t/L), cos(2 pi f t/L)
//             for f = 1..8): Linear(17, M) silu Linear(M, M) silu Linear(M, C) (children
//             "filter_mlp.{0,1,2}"), so the parameter count does not grow with max_len.
// Everything is causal: output t depends on inputs 0..t only.
#include <memory>
#include <string>

#include "trit/nn/linear.h"
#include "trit/nn/module.h"
#include "trit/nn/projection.h"
#include "trit/nn/rms_norm.h"

namespace trit::nn {

enum class FilterKind { explicit_table, implicit_mlp };
FilterKind parse_filter_kind(const std::string& name);  // explicit | implicit

struct HyenaConfig {
  int64_t d_model = 0;
  int64_t max_len = 0;
  FilterKind filter = FilterKind::implicit_mlp;
  int64_t filter_mlp_width = 64;
  bool ternary = true;
  bool sub_norm = true;
  double norm_eps = 1e-5;
  double init_std = 0.02;
  double out_init_std = 0.02;
};

class HyenaMixer : public Module {
 public:
  HyenaMixer(const HyenaConfig& config, Generator& gen);
  Tensor forward(const Tensor& x) const;
  // The long filter for sequences of T positions, [T, C].
  Tensor long_filter(int64_t T) const;
  const HyenaConfig& config() const { return config_; }

  template <typename M>
  std::shared_ptr<M> add_child(const std::string& name, std::shared_ptr<M> m) { return register_module(name, m); }

  Projection in_proj, out_proj;
  Tensor short_conv;  // [3, 3C]
  Tensor filter;      // [max_len, C], explicit only
  Tensor skip;        // d [C]
  std::shared_ptr<ModuleList<Linear>> filter_mlp;  // implicit only
  std::shared_ptr<RMSNorm> sub_norm;

 private:
  HyenaConfig config_;
  Tensor decay_;      // [max_len, C]
  Tensor positions_;  // [max_len, 17], implicit only
};

}  // namespace trit::nn

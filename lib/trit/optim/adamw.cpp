#include "trit/optim/adamw.h"

#include <cmath>

#include "trit/backend/cuda/adamw.h"
#include "trit/core/parallel.h"

namespace trit::optim {
namespace {

struct AdamWStep {
  double lr, beta1, beta2, eps, decay_factor, step_size, sqrt_bc2;
};

// The update in torch's rounding order (m by lerp, v by mul then addcmul, decay before the
// Adam step, the step as p + (-step_size) * (m / denom)), so the PyTorch golden test can hold
// tight tolerances. torch's lerp(m, g, w) is m + w (g - m) for w < 0.5, else g - (g - m)(1 - w);
// the branch is a template parameter so the loop vectorizes (lib/CMakeLists.txt compiles this
// file with -fno-math-errno, without which GCC will not vectorize the sqrt).
template <typename T, bool kLerpFromStart>
void adamw_kernel(T* __restrict p, const T* __restrict g, T* __restrict m, T* __restrict v, int64_t n,
                  const AdamWStep& s) {
  const T b1 = T(s.beta1), b2 = T(s.beta2), w1 = T(1.0 - s.beta1), w2 = T(1.0 - s.beta2);
  const T decay = T(s.decay_factor), step_size = T(s.step_size), sqrt_bc2 = T(s.sqrt_bc2), eps = T(s.eps);
  parallel_for(n, 1 << 14, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) {
      const T gi = g[i];
      const T mi = kLerpFromStart ? m[i] + w1 * (gi - m[i]) : gi - (gi - m[i]) * b1;
      const T vi = v[i] * b2 + w2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      const T denom = std::sqrt(vi) / sqrt_bc2 + eps;
      p[i] = p[i] * decay - step_size * (mi / denom);
    }
  });
}

template <typename T>
void adamw_update(Tensor& param, const Tensor& grad, Tensor& m, Tensor& v, const AdamWStep& s) {
  const bool from_start = 1.0 - s.beta1 < 0.5;
  auto* kernel = from_start ? adamw_kernel<T, true> : adamw_kernel<T, false>;
  kernel(param.data<T>(), grad.data<T>(), m.data<T>(), v.data<T>(), param.numel(), s);
}

}  // namespace

bool decay_matrices(const std::string&, const Tensor& param) { return param.dim() >= 2; }

AdamW::AdamW(std::vector<Tensor> params, const AdamWConfig& config)
    : Optimizer(std::move(params), config.lr), config_(config), weight_decay_(0.0) {
  TRIT_CHECK(config.beta1 >= 0 && config.beta1 < 1 && config.beta2 >= 0 && config.beta2 < 1,
             "AdamW: betas (", config.beta1, ", ", config.beta2, ") must lie in [0, 1)");
  TRIT_CHECK(config.eps > 0, "AdamW: eps ", config.eps, " must be positive");
  set_weight_decay(config.weight_decay);
  const DecayPredicate decay = config.decay ? config.decay : DecayPredicate(decay_matrices);
  for (size_t i = 0; i < this->params().size(); ++i) {
    check_optimizable(this->params()[i], "AdamW", /*cuda_f32=*/true);
    decays_.push_back(decay(names()[i], this->params()[i]));
  }
}

void AdamW::set_weight_decay(double wd) {
  TRIT_CHECK(std::isfinite(wd) && wd >= 0, "AdamW: weight decay ", wd, " must be finite and >= 0");
  weight_decay_ = wd;
}

void AdamW::update(size_t index, Tensor& param, const Tensor& grad) {
  const double t = double(step_count());
  AdamWStep s;
  s.lr = lr();
  s.beta1 = config_.beta1;
  s.beta2 = config_.beta2;
  s.eps = config_.eps;
  s.decay_factor = decays_[index] ? 1.0 - lr() * weight_decay_ : 1.0;
  s.step_size = lr() / (1.0 - std::pow(config_.beta1, t));
  s.sqrt_bc2 = std::sqrt(1.0 - std::pow(config_.beta2, t));
  Tensor& m = buffer(index, "exp_avg");
  Tensor& v = buffer(index, "exp_avg_sq");
#if TRIT_HAVE_CUDA
  if (param.device().is_cuda()) {
    cuda::adamw_step(param, grad, m, v, {s.beta1, s.beta2, s.eps, s.decay_factor, s.step_size, s.sqrt_bc2});
    m.storage()->bump_version();
    v.storage()->bump_version();
    return;
  }
#endif
  if (param.dtype() == DType::f32) adamw_update<float>(param, grad, m, v, s);
  else adamw_update<double>(param, grad, m, v, s);
  m.storage()->bump_version();
  v.storage()->bump_version();
}

}  // namespace trit::optim

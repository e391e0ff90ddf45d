#include "trit/optim/sgd.h"

#include <cmath>

#include "trit/core/parallel.h"

namespace trit::optim {
namespace {

template <typename T>
void sgd_kernel(T* p, const T* g, T* buf, bool first, int64_t n, double lr, const SGDConfig& c) {
  const T wd = T(c.weight_decay), mu = T(c.momentum), damp = T(1.0 - c.dampening), step = T(lr);
  parallel_for(n, 1 << 14, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      T d = g[i] + wd * p[i];
      if (buf) {
        const T b = first ? d : mu * buf[i] + damp * d;
        buf[i] = b;
        d = c.nesterov ? d + mu * b : b;
      }
      p[i] -= step * d;
    }
  });
}

}  // namespace

SGD::SGD(std::vector<Tensor> params, const SGDConfig& config) : Optimizer(std::move(params), config.lr), config_(config) {
  TRIT_CHECK(std::isfinite(config.momentum) && config.momentum >= 0, "SGD: momentum ", config.momentum,
             " must be >= 0");
  TRIT_CHECK(std::isfinite(config.weight_decay) && config.weight_decay >= 0, "SGD: weight decay ",
             config.weight_decay, " must be >= 0");
  TRIT_CHECK(!config.nesterov || (config.momentum > 0 && config.dampening == 0),
             "SGD: nesterov needs momentum > 0 and dampening 0");
  for (const Tensor& p : this->params()) check_optimizable(p, "SGD");
}

void SGD::update(size_t index, Tensor& param, const Tensor& grad) {
  const bool use_momentum = config_.momentum != 0.0;
  const bool first = use_momentum && !has_buffer(index, "momentum_buffer");
  Tensor buf = use_momentum ? buffer(index, "momentum_buffer") : Tensor();
  if (param.dtype() == DType::f32) {
    sgd_kernel(param.data<float>(), grad.data<float>(), buf.defined() ? buf.data<float>() : nullptr, first,
               param.numel(), lr(), config_);
  } else {
    sgd_kernel(param.data<double>(), grad.data<double>(), buf.defined() ? buf.data<double>() : nullptr, first,
               param.numel(), lr(), config_);
  }
  if (buf.defined()) buf.storage()->bump_version();
}

}  // namespace trit::optim

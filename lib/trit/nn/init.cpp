#include "trit/nn/init.h"

#include "trit/autograd/grad_mode.h"
#include "trit/ops/binary.h"

namespace trit::nn::init {

void normal_(Tensor t, double std, Generator& gen, double mean) {
  TRIT_CHECK(std >= 0.0, "init normal_ of tensor", t.name_suffix(), ": std ", std, " is negative");
  NoGradGuard no_grad;
  Tensor draw = Tensor::randn(t.shape(), gen, DType::f64);
  double* p = draw.data<double>();
  for (int64_t i = 0, n = draw.numel(); i < n; ++i) p[i] = mean + std * p[i];
  copy_(t, draw);
}

void uniform_(Tensor t, double lo, double hi, Generator& gen) {
  TRIT_CHECK(lo <= hi, "init uniform_ of tensor", t.name_suffix(), ": empty range [", lo, ", ", hi, ")");
  NoGradGuard no_grad;
  Tensor draw = Tensor::rand(t.shape(), gen, DType::f64);
  double* p = draw.data<double>();
  for (int64_t i = 0, n = draw.numel(); i < n; ++i) p[i] = lo + (hi - lo) * p[i];
  copy_(t, draw);
}

void constant_(Tensor t, double value) {
  NoGradGuard no_grad;
  fill_(t, value);
}

void zeros_(Tensor t) { constant_(t, 0.0); }
void ones_(Tensor t) { constant_(t, 1.0); }

}  // namespace trit::nn::init

#include "trit/autograd/gradcheck.h"

#include <cmath>
#include <sstream>

#include "trit/autograd/grad_mode.h"
#include "trit/core/rng.h"
#include "trit/ops/binary.h"
#include "trit/ops/reduce.h"

namespace trit {
namespace {

// Element offsets (in elements, from the data pointer) of every element of t, in index order.
std::vector<int64_t> element_offsets(const Tensor& t) {
  std::vector<int64_t> offs;
  offs.reserve(size_t(t.numel()));
  const Shape& s = t.shape();
  std::vector<int64_t> idx(s.size(), 0);
  for (int64_t n = 0; n < t.numel(); ++n) {
    int64_t off = 0;
    for (size_t d = 0; d < s.size(); ++d) off += idx[d] * t.strides()[d];
    offs.push_back(off);
    for (size_t d = s.size(); d-- > 0;) {
      if (++idx[d] < s[d]) break;
      idx[d] = 0;
    }
  }
  return offs;
}

double weighted_sum(const Tensor& y, const Tensor& r) {
  NoGradGuard no_grad;
  return sum(y * r).item();
}

}  // namespace

GradcheckResult gradcheck(const GradcheckFn& f, const std::vector<Tensor>& inputs, GradcheckOptions options) {
  GradcheckResult result;
  for (const Tensor& x : inputs)
    TRIT_CHECK(!x.requires_grad() || x.dtype() == DType::f64, "gradcheck: inputs that require grad must be f64");
  Generator gen(options.seed);
  for (int p = 0; p < options.n_projections && result.ok; ++p) {
    for (const Tensor& x : inputs) x.impl().grad.reset();
    Tensor y = f(inputs);
    const Tensor r = Tensor::randn(y.shape(), gen, DType::f64);
    Tensor loss = sum(y * r);
    loss.backward();
    for (size_t i = 0; i < inputs.size() && result.ok; ++i) {
      const Tensor& x = inputs[i];
      if (!x.requires_grad()) continue;
      const Tensor g = x.grad();
      const std::vector<double> analytic = g.defined() ? g.to_vector<double>() : std::vector<double>(size_t(x.numel()), 0.0);
      double* base = x.data<double>();
      const std::vector<int64_t> offs = element_offsets(x);
      for (size_t e = 0; e < offs.size(); ++e) {
        double& v = base[offs[e]];
        const double saved = v;
        v = saved + options.eps;
        const double plus = weighted_sum(f(inputs), r);
        v = saved - options.eps;
        const double minus = weighted_sum(f(inputs), r);
        v = saved;
        const double numeric = (plus - minus) / (2 * options.eps);
        const double err = std::abs(numeric - analytic[e]);
        result.max_abs_error = std::max(result.max_abs_error, err);
        if (!(err <= options.atol + options.rtol * std::abs(numeric))) {
          std::ostringstream msg;
          msg << "input " << i << " element " << e << ": analytic " << analytic[e] << ", numeric " << numeric
              << " (projection " << p << ")";
          result.ok = false;
          result.message = msg.str();
          break;
        }
      }
    }
  }
  for (const Tensor& x : inputs) x.impl().grad.reset();
  return result;
}

}  // namespace trit

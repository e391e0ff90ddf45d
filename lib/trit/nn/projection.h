#pragma once
// A bias-free projection that is either ternary (BitLinear) or full precision (Linear): the
// one switch between the BitNet model and its full-precision twin. Registered under the
// caller's name, so the weight is "<name>.weight" either way.
#include <memory>
#include <string>

#include "trit/nn/bit_linear.h"
#include "trit/nn/linear.h"

namespace trit::nn {

struct Projection {
  std::shared_ptr<BitLinear> ternary;
  std::shared_ptr<Linear> dense;

  Tensor operator()(const Tensor& x) const { return ternary ? ternary->forward(x) : dense->forward(x); }
  const Tensor& weight() const { return ternary ? ternary->weight : dense->weight; }
};

// Creates the projection and registers it on `parent` under `name`.
template <typename Parent>
Projection make_projection(Parent& parent, const std::string& name, int64_t in, int64_t out, bool ternary,
                           double init_std, Generator& gen) {
  Projection p;
  if (ternary) {
    BitLinearConfig c;
    c.in = in;
    c.out = out;
    c.init_std = init_std;
    p.ternary = parent.add_child(name, std::make_shared<BitLinear>(c, gen));
  } else {
    LinearConfig c;
    c.in = in;
    c.out = out;
    c.bias = false;
    c.init_std = init_std;
    p.dense = parent.add_child(name, std::make_shared<Linear>(c, gen));
  }
  return p;
}

}  // namespace trit::nn

#pragma once
// Shared test helpers: random leaves in float64 and a gradient-check assertion.
#include <catch2/catch.hpp>

#include "trit/autograd/gradcheck.h"
#include "trit/core/rng.h"
#include "trit/core/tensor.h"

namespace trit::test {

inline Tensor leaf(const Shape& shape, uint64_t seed, double scale = 1.0) {
  Generator g(seed);
  Tensor t = Tensor::randn(shape, g, DType::f64);
  if (scale != 1.0) {
    double* p = t.data<double>();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] *= scale;
  }
  t.requires_grad_();
  return t;
}

// A leaf whose layout is not contiguous: the transpose of a [shape[1], shape[0]] tensor.
inline Tensor transposed_leaf(int64_t rows, int64_t cols, uint64_t seed) {
  Generator g(seed);
  Tensor base = Tensor::randn({cols, rows}, g, DType::f64);
  Tensor t = base.transpose(0, 1).detach();
  t.requires_grad_();
  return t;
}

inline void check_close(const Tensor& a, const Tensor& b, double rtol, double atol) {
  REQUIRE(a.shape() == b.shape());
  const auto va = a.to_vector<double>(), vb = b.to_vector<double>();
  for (size_t i = 0; i < va.size(); ++i) {
    INFO("element " << i << ": " << va[i] << " vs " << vb[i]);
    REQUIRE(std::abs(va[i] - vb[i]) <= atol + rtol * std::abs(vb[i]));
  }
}

}  // namespace trit::test

#define CHECK_GRADIENTS(fn, ...)                                            \
  do {                                                                      \
    const auto gc_result = ::trit::gradcheck(fn, __VA_ARGS__);              \
    INFO(gc_result.message);                                                \
    CHECK(gc_result.ok);                                                    \
  } while (0)

#pragma once
// Per-token absmax int8 quantization of activations (BitNet b1.58):
//   sx = 127 / max(max_j |x_j|, 1e-5)          (float32)
//   xq_j = clamp(round(x_j * sx), -128, 127)   (float32 product, round half to even)
// plus the row sum Σ_j xq_j, which the ternary kernels subtract (see ternary_pack.h).
// The scalar and vector versions give identical bytes (max and products are exact per
// element, rounding is RNE in both). Inf or NaN in a row is an error.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "trit/runtime/aligned_buffer.h"
#include "trit/runtime/cpu_features.h"

namespace trit::runtime {

// Token t reads x[t*x_stride + j] for j < cols and writes xq[t*xq_stride + j], zeroing
// xq[t*xq_stride + j] for cols <= j < xq_stride; scale[t] = sx, sum[t] = Σ xq.
void quantize_activations(const float* x, size_t n_tokens, size_t cols, size_t x_stride,
                          int8_t* xq, size_t xq_stride, float* scale, int32_t* sum,
                          CpuLevel level = active_cpu_level());

struct Int8ActivationsView {
  const int8_t* q = nullptr;
  size_t n_tokens = 0;
  size_t cols = 0;
  size_t stride = 0;  // >= the weights' cols_padded; entries past cols are zero
  const float* scale = nullptr;
  const int32_t* sum = nullptr;
};

// Owning buffers for n_tokens quantized rows, stride = cols rounded up to 256.
class QuantizedActivations {
 public:
  QuantizedActivations() = default;
  QuantizedActivations(size_t n_tokens, size_t cols);

  // Quantizes x (n_tokens x cols, row stride x_stride) into these buffers, resizing them.
  void quantize(const float* x, size_t n_tokens, size_t cols, size_t x_stride,
                CpuLevel level = active_cpu_level());

  Int8ActivationsView view() const {
    return {q_.data(), n_tokens_, cols_, stride_, scale_.data(), sum_.data()};
  }
  size_t n_tokens() const { return n_tokens_; }
  size_t cols() const { return cols_; }
  size_t stride() const { return stride_; }
  const int8_t* row(size_t t) const { return q_.data() + t * stride_; }
  float scale(size_t t) const { return scale_[t]; }
  int32_t sum(size_t t) const { return sum_[t]; }

 private:
  size_t n_tokens_ = 0, cols_ = 0, stride_ = 0;
  AlignedBuffer<int8_t> q_;
  std::vector<float> scale_;
  std::vector<int32_t> sum_;
};

}  // namespace trit::runtime

#pragma once
// One ternary projection on a CUDA device: the weights in both forms the inference kernels read
// (int8_infer.h): 2-bit G2 codes for the dp4a GEMV (up to kGemvMaxTokens tokens, memory bound)
// and int8 rows for cuBLASLt's IMMA GEMM (more tokens, compute bound), 1.25 bytes per weight
// on the device. forward() takes activations already quantized on the host (the runtime's
// quantizer), so results equal the CPU runtime's bit for bit.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "trit/runtime/ternary_offload.h"

namespace trit::cuda {

struct DeviceFree {
  void operator()(void* p) const;
};
using DeviceBytes = std::unique_ptr<uint8_t, DeviceFree>;
struct Scratch;

class TernaryLinear final : public runtime::TernaryOffload {
 public:
  static constexpr size_t kGemvMaxTokens = 4;

  TernaryLinear(const runtime::TernaryWeightsView& w, int device);

  void forward(const runtime::Int8ActivationsView& x, float* y, size_t y_stride) const override;
  size_t device_bytes() const override { return codes_bytes_ + int8_bytes_; }

  // Device-resident form: xq [n, x_stride] (x_stride a multiple of 16, >= cols_padded),
  // scale/sum [n] and y [n, y_stride] all on the device; issued on the device's stream.
  void forward_device(const int8_t* xq, size_t n_tokens, size_t x_stride, const float* scale, const int32_t* sum,
                      float* y, size_t y_stride) const;

  size_t rows() const { return rows_; }
  size_t cols() const { return cols_; }

 private:
  void run(const int8_t* xq, size_t n_tokens, size_t x_stride, const float* scale, const int32_t* sum, float* y,
           size_t y_stride, Scratch& scratch) const;

  int device_ = 0;
  size_t rows_ = 0, cols_ = 0, cols_padded_ = 0;
  float sw_ = 1.0f;
  size_t codes_bytes_ = 0, int8_bytes_ = 0;
  DeviceBytes codes_;  // G2, rows * cols_padded / 4
  DeviceBytes int8_;   // rows (rounded up to 4, zero rows) x cols_padded int8
};

}  // namespace trit::cuda

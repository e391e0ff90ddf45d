#include "trit/backend/cuda/ternary_linear.h"

#include <mutex>
#include <vector>

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/gemm_lt.h"
#include "trit/backend/cuda/int8_infer.h"
#include "trit/runtime/gpu_ternary_layout.h"

namespace trit::cuda {
namespace g2 = trit::runtime::gpu;

namespace {

DeviceBytes device_alloc(size_t bytes) {
  void* p = nullptr;
  TRIT_CUDA_CHECK(cudaMalloc(&p, bytes ? bytes : 1));
  return DeviceBytes(static_cast<uint8_t*>(p));
}

}  // namespace

// Staging for forward calls, shared by every projection of a device (the runtime runs one
// projection at a time; the mutex keeps other callers out): grown on demand, never shrunk.
struct Scratch {
  std::mutex mutex;
  DeviceBytes xq, scale, sum, acc, y;
  size_t xq_bytes = 0, scale_bytes = 0, sum_bytes = 0, acc_bytes = 0, y_bytes = 0;

  static void grow(DeviceBytes& buf, size_t& have, size_t need) {
    if (need <= have) return;
    buf.reset();
    buf = device_alloc(need);
    have = need;
  }
};

namespace {

Scratch& scratch(int device) {
  static std::mutex mutex;
  static std::vector<std::unique_ptr<Scratch>> all;
  std::lock_guard lock(mutex);
  if (all.size() <= size_t(device)) all.resize(size_t(device) + 1);
  if (!all[size_t(device)]) all[size_t(device)] = std::make_unique<Scratch>();
  return *all[size_t(device)];
}

size_t round_up(size_t n, size_t m) { return (n + m - 1) / m * m; }

}  // namespace

void DeviceFree::operator()(void* p) const { cudaFree(p); }  // errors at teardown are not actionable

TernaryLinear::TernaryLinear(const runtime::TernaryWeightsView& w, int device)
    : device_(device), rows_(w.rows), cols_(w.cols), cols_padded_(g2::cols_padded(w.cols)), sw_(w.sw) {
  TRIT_CHECK(rows_ > 0 && cols_ > 0, "cuda TernaryLinear: empty weight ", rows_, " x ", cols_);
  context(device_);  // makes the device current, fails clearly without one
  const std::vector<uint8_t> codes = g2::g2_from_packed(w);
  std::vector<int8_t> values(rows_ * cols_);
  for (size_t r = 0; r < rows_; ++r) {
    for (size_t c = 0; c < cols_; ++c) values[r * cols_ + c] = runtime::ternary_weight(w, r, c);
  }
  // The IMMA GEMM needs a row count that is a multiple of 4: zero rows pad it.
  std::vector<int8_t> int8 = g2::int8_padded(values.data(), rows_, cols_);
  int8.resize(round_up(rows_, 4) * cols_padded_, 0);
  codes_bytes_ = codes.size();
  int8_bytes_ = int8.size();
  codes_ = device_alloc(codes_bytes_);
  int8_ = device_alloc(int8_bytes_);
  TRIT_CUDA_CHECK(cudaMemcpy(codes_.get(), codes.data(), codes_bytes_, cudaMemcpyHostToDevice));
  TRIT_CUDA_CHECK(cudaMemcpy(int8_.get(), int8.data(), int8_bytes_, cudaMemcpyHostToDevice));
}

void TernaryLinear::run(const int8_t* xq, size_t n_tokens, size_t x_stride, const float* scale, const int32_t* sum,
                        float* y, size_t y_stride, Scratch& s) const {
  if (n_tokens <= kGemvMaxTokens) {
    ternary_gemv(codes_.get(), int64_t(rows_), int64_t(cols_), sw_, xq, int64_t(n_tokens), int64_t(x_stride), scale,
                 sum, y, int64_t(y_stride), device_);
    return;
  }
  // IMMA: int32 dots into scratch (leading dim a multiple of 4), then the exact float division.
  const size_t ld = round_up(rows_, 4);
  Scratch::grow(s.acc, s.acc_bytes, n_tokens * ld * sizeof(int32_t));
  auto* acc = reinterpret_cast<int32_t*>(s.acc.get());
  gemm_i8_i32(xq, int64_t(n_tokens), int64_t(x_stride), reinterpret_cast<const int8_t*>(int8_.get()), int64_t(ld),
              int64_t(cols_padded_), int64_t(cols_padded_), acc, int64_t(ld), device_);
  dequantize_i32(acc, int64_t(ld), int64_t(n_tokens), int64_t(rows_), scale, sw_, y, int64_t(y_stride), device_);
}

void TernaryLinear::forward_device(const int8_t* xq, size_t n_tokens, size_t x_stride, const float* scale,
                                   const int32_t* sum, float* y, size_t y_stride) const {
  if (n_tokens == 0) return;
  Scratch& s = scratch(device_);
  std::lock_guard lock(s.mutex);
  run(xq, n_tokens, x_stride, scale, sum, y, y_stride, s);
}

void TernaryLinear::forward(const runtime::Int8ActivationsView& x, float* y, size_t y_stride) const {
  TRIT_CHECK(x.cols == cols_, "cuda TernaryLinear: activations have ", x.cols, " columns, the weight ", cols_);
  TRIT_CHECK(y_stride >= rows_, "cuda TernaryLinear: output stride ", y_stride, " < rows ", rows_);
  const size_t n = x.n_tokens;
  if (n == 0) return;
  Scratch& s = scratch(device_);
  std::lock_guard lock(s.mutex);
  cudaStream_t st = stream(device_);
  Scratch::grow(s.xq, s.xq_bytes, n * cols_padded_);
  Scratch::grow(s.scale, s.scale_bytes, n * sizeof(float));
  Scratch::grow(s.sum, s.sum_bytes, n * sizeof(int32_t));
  Scratch::grow(s.y, s.y_bytes, n * rows_ * sizeof(float));
  // Columns past min(stride, cols_padded) keep whatever they held: the weights' padding (code 0,
  // int8 zero) makes them count for nothing.
  TRIT_CUDA_CHECK(cudaMemcpy2DAsync(s.xq.get(), cols_padded_, x.q, x.stride, std::min(x.stride, cols_padded_), n,
                                    cudaMemcpyHostToDevice, st));
  TRIT_CUDA_CHECK(cudaMemcpyAsync(s.scale.get(), x.scale, n * sizeof(float), cudaMemcpyHostToDevice, st));
  TRIT_CUDA_CHECK(cudaMemcpyAsync(s.sum.get(), x.sum, n * sizeof(int32_t), cudaMemcpyHostToDevice, st));
  run(reinterpret_cast<const int8_t*>(s.xq.get()), n, cols_padded_, reinterpret_cast<const float*>(s.scale.get()),
      reinterpret_cast<const int32_t*>(s.sum.get()), reinterpret_cast<float*>(s.y.get()), rows_, s);
  TRIT_CUDA_CHECK(cudaMemcpy2DAsync(y, y_stride * sizeof(float), s.y.get(), rows_ * sizeof(float),
                                    rows_ * sizeof(float), n, cudaMemcpyDeviceToHost, st));
  TRIT_CUDA_CHECK(cudaStreamSynchronize(st));  // y is read by the caller next; the scratch is reused
}

}  // namespace trit::cuda

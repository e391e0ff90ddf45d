// Quantizer kernels (see quant.h). The weight scale is a two-pass reduction (block partial
// sums of |w| in double, then one block) so no atomics make it depend on timing.
#include "trit/backend/cuda/quant.h"

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/device_utils.cuh"
#include "trit/backend/cuda/tensor_access.h"

namespace trit::cuda {
namespace {

constexpr int kScaleBlocks = 256;

__global__ void abs_sum_partial_kernel(const float* w, double* partial, int64_t n) {
  double s = 0.0;
  TRIT_GRID_STRIDE(i, n) s += fabs(double(w[i]));
  s = block_reduce(s, SumOp{}, 0.0);
  if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

__global__ void ternary_scale_kernel(const double* partial, int n_partial, int64_t n, float* scale) {
  double s = 0.0;
  for (int j = threadIdx.x; j < n_partial; j += blockDim.x) s += partial[j];
  s = block_reduce(s, SumOp{}, 0.0);
  if (threadIdx.x == 0) {
    const float mean = float(s / double(n > 1 ? n : 1));
    *scale = ternary_scale_from_mean(mean);
  }
}

__global__ void ternary_quant_kernel(const float* w, const float* scale, float* out, int64_t n) {
  const float s = *scale;
  TRIT_GRID_STRIDE(i, n) out[i] = ternary_quant(w[i], s);
}

// One block per row: sx = 127 / max(max|x|, 1e-5); writes the scale and/or the dequantized row.
__global__ void act_quant_kernel(const float* x, float* out, float* scales, int64_t rows, int64_t d) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* row = x + r * d;
    float m = 0.0f;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x) m = fmaxf(m, fabsf(row[i]));
    m = block_reduce(m, MaxOp{}, 0.0f);
    const float s = int8_scale_from_absmax(m);
    if (scales && threadIdx.x == 0) scales[r] = s;
    if (out)
      for (int64_t i = threadIdx.x; i < d; i += blockDim.x) out[r * d + i] = int8_quant(row[i], s);
  }
}

void check_input(const Tensor& t, const char* op) {
  TRIT_CHECK(t.is_contiguous(), op, ": internal: CUDA kernel needs contiguous input");
  check_f32(t, op);
}

void act_quant(const Tensor& x, float* out, float* scales) {
  const int64_t d = x.dim() == 0 ? 1 : x.size(-1), rows = d ? x.numel() / d : 0;
  if (rows == 0) return;
  act_quant_kernel<<<grid_for_rows(rows), row_threads(d), 0, stream(x.device().index)>>>(
      device_ptr<const float>(x, DType::f32, "act_quant_int8"), out, scales, rows, d);
  TRIT_CUDA_CHECK_LAUNCH();
}

}  // namespace

Tensor ternary_weight_scale(const Tensor& w) {
  check_input(w, "weight_quant_ternary");
  const int64_t n = w.numel();
  Tensor scale = Tensor::empty({1}, DType::f32, w.device());
  Tensor partial = Tensor::empty({kScaleBlocks}, DType::f64, w.device());
  cudaStream_t s = stream(w.device().index);
  const float* wp = device_ptr<const float>(w, DType::f32, "weight_quant_ternary");
  double* pp = device_ptr<double>(partial, DType::f64, "weight_quant_ternary");
  abs_sum_partial_kernel<<<kScaleBlocks, kThreads, 0, s>>>(wp, pp, n);
  TRIT_CUDA_CHECK_LAUNCH();
  ternary_scale_kernel<<<1, kThreads, 0, s>>>(pp, kScaleBlocks, n, device_ptr<float>(scale, DType::f32, "weight_quant_ternary"));
  TRIT_CUDA_CHECK_LAUNCH();
  return scale;
}

Tensor weight_quant_ternary(const Tensor& w) {
  const Tensor scale = ternary_weight_scale(w);
  Tensor out = Tensor::empty(w.shape(), DType::f32, w.device());
  const int64_t n = w.numel();
  if (n == 0) return out;
  ternary_quant_kernel<<<grid_for(n), kThreads, 0, stream(w.device().index)>>>(
      device_ptr<const float>(w, DType::f32, "weight_quant_ternary"), device_ptr<const float>(scale, DType::f32, "weight_quant_ternary"),
      device_ptr<float>(out, DType::f32, "weight_quant_ternary"), n);
  TRIT_CUDA_CHECK_LAUNCH();
  return out;
}

Tensor int8_act_scales(const Tensor& x) {
  check_input(x, "int8_act_scales");
  Shape shape = x.shape();
  if (!shape.empty()) shape.back() = 1;
  Tensor scales = Tensor::empty(shape, DType::f32, x.device());
  act_quant(x, nullptr, device_ptr<float>(scales, DType::f32, "int8_act_scales"));
  return scales;
}

Tensor act_quant_int8(const Tensor& x) {
  check_input(x, "act_quant_int8");
  Tensor out = Tensor::empty(x.shape(), DType::f32, x.device());
  act_quant(x, device_ptr<float>(out, DType::f32, "act_quant_int8"), nullptr);
  return out;
}

}  // namespace trit::cuda

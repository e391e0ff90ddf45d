// RMSNorm kernels (see norm.h): one block per row for y and dx; dw as column sums over row
// chunks (partials in double), then one pass over the chunks.
#include "trit/backend/cuda/norm.h"

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/device_utils.cuh"
#include "trit/backend/cuda/tensor_access.h"

namespace trit::cuda {
namespace {

constexpr int kDwChunks = 64;  // row chunks of the dw column sums

__global__ void rms_norm_kernel(const float* x, const float* w, float* y, float* rstd, int64_t rows, int64_t d,
                                double eps) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* row = x + r * d;
    double ss = 0.0;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x) ss += double(row[i]) * double(row[i]);
    ss = block_reduce(ss, SumOp{}, 0.0);
    const float rs = float(1.0 / sqrt(ss / double(d) + eps));
    if (threadIdx.x == 0) rstd[r] = rs;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x) y[r * d + i] = w ? row[i] * rs * w[i] : row[i] * rs;
  }
}

__global__ void rms_norm_dx_kernel(const float* g, const float* x, const float* w, const float* rstd, float* dx,
                                   int64_t rows, int64_t d) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + r * d;
    const float* gr = g + r * d;
    const double rs = double(rstd[r]);
    double dot = 0.0;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x) dot += double(gr[i]) * (w ? double(w[i]) : 1.0) * double(xr[i]);
    dot = block_reduce(dot, SumOp{}, 0.0);
    const double c = rs * rs * rs * dot / double(d);
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x)
      dx[r * d + i] = float(rs * double(gr[i]) * (w ? double(w[i]) : 1.0) - double(xr[i]) * c);
  }
}

// partial[chunk, i] = sum over rows r = chunk, chunk + n_chunks, ... of g[r, i] x[r, i] rstd[r].
__global__ void rms_norm_dw_partial_kernel(const float* g, const float* x, const float* rstd, double* partial,
                                           int64_t rows, int64_t d) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= d) return;
  double acc = 0.0;
  for (int64_t r = blockIdx.y; r < rows; r += gridDim.y) acc += double(g[r * d + i]) * double(x[r * d + i]) * double(rstd[r]);
  partial[int64_t(blockIdx.y) * d + i] = acc;
}

__global__ void sum_chunks_kernel(const double* partial, float* dw, int64_t n_chunks, int64_t d) {
  TRIT_GRID_STRIDE(i, d) {
    double s = 0.0;
    for (int64_t c = 0; c < n_chunks; ++c) s += partial[c * d + i];
    dw[i] = float(s);
  }
}

struct Dims {
  int64_t rows = 0, d = 0;
};

Dims dims_of(const Tensor& x) {
  TRIT_CHECK(x.is_contiguous(), "rms_norm: internal: CUDA kernels need contiguous input");
  check_f32(x, "rms_norm");
  Dims r;
  r.d = x.size(-1);
  r.rows = r.d == 0 ? 0 : x.numel() / r.d;
  return r;
}

const float* weight_ptr(const Tensor& w) {
  return w.defined() ? device_ptr<const float>(w, DType::f32, "rms_norm") : nullptr;
}

}  // namespace

RmsNormForward rms_norm_forward(const Tensor& x, const Tensor& weight, double eps) {
  const Dims s = dims_of(x);
  RmsNormForward out;
  out.y = Tensor::empty(x.shape(), DType::f32, x.device());
  out.rstd = Tensor::empty({s.rows}, DType::f32, x.device());
  if (s.rows == 0) return out;
  rms_norm_kernel<<<grid_for_rows(s.rows), row_threads(s.d), 0, stream(x.device().index)>>>(
      device_ptr<const float>(x, DType::f32, "rms_norm"), weight_ptr(weight), device_ptr<float>(out.y, DType::f32, "rms_norm"),
      device_ptr<float>(out.rstd, DType::f32, "rms_norm"), s.rows, s.d, eps);
  TRIT_CUDA_CHECK_LAUNCH();
  return out;
}

RmsNormBackward rms_norm_backward(const Tensor& g, const Tensor& x, const Tensor& weight, const Tensor& rstd,
                                  bool need_dw) {
  const Dims s = dims_of(x);
  dims_of(g);
  cudaStream_t st = stream(x.device().index);
  RmsNormBackward out;
  out.dx = Tensor::empty(x.shape(), DType::f32, x.device());
  if (need_dw) out.dw = Tensor::zeros({s.d}, DType::f32, x.device());
  if (s.rows == 0) return out;
  const float* gp = device_ptr<const float>(g, DType::f32, "rms_norm");
  const float* xp = device_ptr<const float>(x, DType::f32, "rms_norm");
  const float* rp = device_ptr<const float>(rstd, DType::f32, "rms_norm");
  rms_norm_dx_kernel<<<grid_for_rows(s.rows), row_threads(s.d), 0, st>>>(gp, xp, weight_ptr(weight), rp,
                                                                          device_ptr<float>(out.dx, DType::f32, "rms_norm"),
                                                                          s.rows, s.d);
  TRIT_CUDA_CHECK_LAUNCH();
  if (need_dw) {
    const int64_t n_chunks = std::min<int64_t>(kDwChunks, s.rows);
    Tensor partial = Tensor::empty({n_chunks, s.d}, DType::f64, x.device());
    const dim3 grid(unsigned((s.d + kThreads - 1) / kThreads), unsigned(n_chunks));
    rms_norm_dw_partial_kernel<<<grid, kThreads, 0, st>>>(gp, xp, rp, device_ptr<double>(partial, DType::f64, "rms_norm"),
                                                          s.rows, s.d);
    TRIT_CUDA_CHECK_LAUNCH();
    sum_chunks_kernel<<<grid_for(s.d), kThreads, 0, st>>>(device_ptr<const double>(partial, DType::f64, "rms_norm"),
                                                          device_ptr<float>(out.dw, DType::f32, "rms_norm"), n_chunks, s.d);
    TRIT_CUDA_CHECK_LAUNCH();
  }
  return out;
}

}  // namespace trit::cuda

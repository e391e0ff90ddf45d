// Softmax family kernels (see softmax.h): one block per row, grid-stride over rows.
#include "trit/backend/cuda/softmax.h"

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/device_utils.cuh"
#include "trit/backend/cuda/tensor_access.h"

namespace trit::cuda {
namespace {

__device__ inline float row_max(const float* row, int64_t n) {
  float m = -INFINITY;
  for (int64_t j = threadIdx.x; j < n; j += blockDim.x) m = fmaxf(m, row[j]);
  return block_reduce(m, MaxOp{}, -INFINITY);
}

__global__ void softmax_kernel(const float* x, float* y, int64_t rows, int64_t n) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* in = x + r * n;
    float* out = y + r * n;
    const float m = row_max(in, n);
    double s = 0.0;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) s += double(expf(in[j] - m));
    s = block_reduce(s, SumOp{}, 0.0);
    const float inv = float(1.0 / s);
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) out[j] = expf(in[j] - m) * inv;
  }
}

__global__ void softmax_backward_kernel(const float* g, const float* y, float* dx, int64_t rows, int64_t n) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* gr = g + r * n;
    const float* yr = y + r * n;
    double dot = 0.0;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) dot += double(gr[j]) * double(yr[j]);
    const float d = float(block_reduce(dot, SumOp{}, 0.0));
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) dx[r * n + j] = yr[j] * (gr[j] - d);
  }
}

__global__ void log_softmax_kernel(const float* x, float* y, int64_t rows, int64_t n) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* in = x + r * n;
    const float m = row_max(in, n);
    double s = 0.0;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) s += exp(double(in[j] - m));
    s = block_reduce(s, SumOp{}, 0.0);
    const float lse = m + float(log(s));
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) y[r * n + j] = in[j] - lse;
  }
}

__global__ void log_softmax_backward_kernel(const float* g, const float* y, float* dx, int64_t rows, int64_t n) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* gr = g + r * n;
    double s = 0.0;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) s += double(gr[j]);
    const float sf = float(block_reduce(s, SumOp{}, 0.0));
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) dx[r * n + j] = gr[j] - expf(y[r * n + j]) * sf;
  }
}

// Per row: lse[r] = max + log(sum exp(x - max)) and term[r] = lse[r] - x[r, target] (0 when
// the row is ignored).
__global__ void cross_entropy_rows_kernel(const float* x, const int32_t* targets, double* lse, double* term,
                                          int64_t rows, int64_t n, int64_t ignore_index) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* in = x + r * n;
    const float m = row_max(in, n);
    double s = 0.0;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) s += exp(double(in[j] - m));
    s = block_reduce(s, SumOp{}, 0.0);
    if (threadIdx.x == 0) {
      const double l = double(m) + log(s);
      lse[r] = l;
      const int32_t t = targets[r];
      term[r] = t == ignore_index ? 0.0 : l - double(in[t]);
    }
  }
}

// One block: loss = sum(term) / n_valid (0 when every row is ignored).
__global__ void mean_terms_kernel(const double* term, float* loss, int64_t rows, int64_t n_valid) {
  double s = 0.0;
  for (int64_t j = threadIdx.x; j < rows; j += blockDim.x) s += term[j];
  s = block_reduce(s, SumOp{}, 0.0);
  if (threadIdx.x == 0) *loss = n_valid ? float(s / double(n_valid)) : 0.0f;
}

__global__ void cross_entropy_backward_kernel(const float* g, const float* x, const int32_t* targets, const double* lse,
                                              float* dx, int64_t rows, int64_t n, int64_t ignore_index,
                                              int64_t n_valid) {
  const double scale = n_valid ? double(*g) / double(n_valid) : 0.0;
  TRIT_GRID_STRIDE(i, rows * n) {
    const int64_t r = i / n, j = i % n;
    const int32_t t = targets[r];
    if (t == ignore_index) {
      dx[i] = 0.0f;
    } else {
      dx[i] = cross_entropy_grad(x[i], lse[r], scale, j == t);
    }
  }
}

struct Rows {
  int64_t rows = 0, n = 0;
};

Rows rows_of(const Tensor& x, const char* op) {
  TRIT_CHECK(x.is_contiguous(), op, ": internal: CUDA row kernels need contiguous input");
  check_f32(x, op);
  Rows r;
  r.n = x.dim() == 0 ? 1 : x.size(-1);
  r.rows = r.n == 0 ? 0 : x.numel() / r.n;
  return r;
}

template <typename Kernel>
Tensor map_rows(Kernel kernel, const Tensor& x, const char* op) {
  const Rows r = rows_of(x, op);
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (r.rows == 0) return y;
  kernel<<<grid_for_rows(r.rows), row_threads(r.n), 0, stream(x.device().index)>>>(
      device_ptr<const float>(x, DType::f32, op), device_ptr<float>(y, DType::f32, op), r.rows, r.n);
  TRIT_CUDA_CHECK_LAUNCH();
  return y;
}

template <typename Kernel>
Tensor map_rows2(Kernel kernel, const Tensor& g, const Tensor& y, const char* op) {
  const Rows r = rows_of(g, op);
  rows_of(y, op);
  Tensor dx = Tensor::empty(g.shape(), g.dtype(), g.device());
  if (r.rows == 0) return dx;
  kernel<<<grid_for_rows(r.rows), row_threads(r.n), 0, stream(g.device().index)>>>(
      device_ptr<const float>(g, DType::f32, op), device_ptr<const float>(y, DType::f32, op),
      device_ptr<float>(dx, DType::f32, op), r.rows, r.n);
  TRIT_CUDA_CHECK_LAUNCH();
  return dx;
}

}  // namespace

Tensor softmax_forward(const Tensor& x) { return map_rows(softmax_kernel, x, "softmax"); }
Tensor softmax_backward(const Tensor& g, const Tensor& y) { return map_rows2(softmax_backward_kernel, g, y, "softmax"); }
Tensor log_softmax_forward(const Tensor& x) { return map_rows(log_softmax_kernel, x, "log_softmax"); }
Tensor log_softmax_backward(const Tensor& g, const Tensor& y) {
  return map_rows2(log_softmax_backward_kernel, g, y, "log_softmax");
}

CrossEntropyForward cross_entropy_forward(const Tensor& logits, const Tensor& targets, int64_t ignore_index,
                                          int64_t n_valid) {
  const Rows r = rows_of(logits, "cross_entropy");
  CrossEntropyForward out;
  out.loss = Tensor::empty({}, DType::f32, logits.device());
  out.lse = Tensor::empty({r.rows}, DType::f64, logits.device());
  Tensor term = Tensor::empty({r.rows}, DType::f64, logits.device());
  cudaStream_t s = stream(logits.device().index);
  if (r.rows > 0) {
    cross_entropy_rows_kernel<<<grid_for_rows(r.rows), row_threads(r.n), 0, s>>>(
        device_ptr<const float>(logits, DType::f32, "cross_entropy"),
        device_ptr<const int32_t>(targets, DType::i32, "cross_entropy"), device_ptr<double>(out.lse, DType::f64, "cross_entropy"),
        device_ptr<double>(term, DType::f64, "cross_entropy"), r.rows, r.n, ignore_index);
    TRIT_CUDA_CHECK_LAUNCH();
  }
  mean_terms_kernel<<<1, kRowThreads, 0, s>>>(device_ptr<const double>(term, DType::f64, "cross_entropy"),
                                               device_ptr<float>(out.loss, DType::f32, "cross_entropy"), r.rows, n_valid);
  TRIT_CUDA_CHECK_LAUNCH();
  return out;
}

Tensor cross_entropy_backward(const Tensor& g, const Tensor& logits, const Tensor& targets, const Tensor& lse,
                              int64_t ignore_index, int64_t n_valid) {
  const Rows r = rows_of(logits, "cross_entropy");
  const Tensor gc = g.to(DType::f32);
  Tensor dx = Tensor::empty(logits.shape(), DType::f32, logits.device());
  const int64_t total = r.rows * r.n;
  if (total == 0) return dx;
  cross_entropy_backward_kernel<<<grid_for(total), kThreads, 0, stream(logits.device().index)>>>(
      device_ptr<const float>(gc, DType::f32, "cross_entropy"), device_ptr<const float>(logits, DType::f32, "cross_entropy"),
      device_ptr<const int32_t>(targets, DType::i32, "cross_entropy"), device_ptr<const double>(lse, DType::f64, "cross_entropy"),
      device_ptr<float>(dx, DType::f32, "cross_entropy"), r.rows, r.n, ignore_index, n_valid);
  TRIT_CUDA_CHECK_LAUNCH();
  return dx;
}

}  // namespace trit::cuda

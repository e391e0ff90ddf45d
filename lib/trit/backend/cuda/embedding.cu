// Gathers and their scatter-add adjoints (see embedding.h): one thread per element of the
// gathered side.
#include "trit/backend/cuda/embedding.h"

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/device_utils.cuh"
#include "trit/backend/cuda/tensor_access.h"

namespace trit::cuda {
namespace {

template <typename Word>
__global__ void select_rows_kernel(const Word* x, const int32_t* index, Word* out, int64_t size, int64_t inner,
                                   int64_t n, int64_t total) {
  TRIT_GRID_STRIDE(i, total) out[i] = x[select_source(i, index, size, inner, n)];
}

__global__ void scatter_rows_kernel(const float* g, const int32_t* index, float* out, int64_t size, int64_t inner,
                                    int64_t n, int64_t total) {
  TRIT_GRID_STRIDE(i, total) atomicAdd(out + select_source(i, index, size, inner, n), g[i]);
}

template <typename Word>
__global__ void gather_kernel(const Word* x, const int32_t* index, Word* out, StridedDesc<1> d, int dim, int64_t n) {
  TRIT_GRID_STRIDE(i, n) out[i] = x[gather_offset(d, dim, index, i)];
}

__global__ void gather_backward_kernel(const float* g, const int32_t* index, float* dx, StridedDesc<1> d, int dim,
                                       int64_t n) {
  TRIT_GRID_STRIDE(i, n) atomicAdd(dx + gather_offset(d, dim, index, i), g[i]);
}

// The index's shape with the strides of a contiguous tensor of x_shape.
StridedDesc<1> gather_desc(const Tensor& index, const Shape& x_shape) {
  TRIT_CHECK(index.dim() <= kMaxDims, "gather: CUDA kernels take at most ", kMaxDims, " dims, got ", index.dim());
  const Strides xs = contiguous_strides(x_shape);
  StridedDesc<1> d;
  d.ndim = int(index.dim());
  for (int k = 0; k < d.ndim; ++k) {
    d.shape[k] = index.shape()[size_t(k)];
    d.strides[0][k] = xs[size_t(k)];
  }
  return d;
}

}  // namespace

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  TRIT_CHECK(x.is_contiguous() && index.is_contiguous(), "gather: internal: CUDA kernel needs contiguous input");
  Tensor out = Tensor::empty(index.shape(), x.dtype(), x.device());
  const int64_t n = out.numel();
  if (n == 0) return out;
  const StridedDesc<1> d = gather_desc(index, x.shape());
  const int32_t* idx = device_ptr<const int32_t>(index, DType::i32, "gather");
  cudaStream_t s = stream(x.device().index);
  const void* xp = storage_ptr(x);
  void* op = storage_ptr(out);
  const unsigned grid = grid_for(n);
  switch (dtype_size(x.dtype())) {
    case 1: gather_kernel<<<grid, kThreads, 0, s>>>(static_cast<const uint8_t*>(xp), idx, static_cast<uint8_t*>(op), d, int(dim), n); break;
    case 2: gather_kernel<<<grid, kThreads, 0, s>>>(static_cast<const uint16_t*>(xp), idx, static_cast<uint16_t*>(op), d, int(dim), n); break;
    case 4: gather_kernel<<<grid, kThreads, 0, s>>>(static_cast<const uint32_t*>(xp), idx, static_cast<uint32_t*>(op), d, int(dim), n); break;
    default: gather_kernel<<<grid, kThreads, 0, s>>>(static_cast<const uint64_t*>(xp), idx, static_cast<uint64_t*>(op), d, int(dim), n); break;
  }
  TRIT_CUDA_CHECK_LAUNCH();
  return out;
}

Tensor gather_backward(const Tensor& g, int64_t dim, const Tensor& index, const Shape& x_shape) {
  TRIT_CHECK(g.is_contiguous() && index.is_contiguous(), "gather: internal: CUDA kernel needs contiguous input");
  check_f32(g, "gather backward");
  Tensor dx = Tensor::zeros(x_shape, DType::f32, g.device());
  const int64_t n = g.numel();
  if (n == 0) return dx;
  gather_backward_kernel<<<grid_for(n), kThreads, 0, stream(g.device().index)>>>(
      device_ptr<const float>(g, DType::f32, "gather"), device_ptr<const int32_t>(index, DType::i32, "gather"),
      device_ptr<float>(dx, DType::f32, "gather"), gather_desc(index, x_shape), int(dim), n);
  TRIT_CUDA_CHECK_LAUNCH();
  return dx;
}

Tensor select_rows(const Tensor& x, int64_t outer, int64_t size, int64_t inner, const Tensor& index, int64_t n,
                   const Shape& out_shape) {
  TRIT_CHECK(x.is_contiguous() && index.is_contiguous(), "select_rows: internal: CUDA kernel needs contiguous input");
  Tensor out = Tensor::empty(out_shape, x.dtype(), x.device());
  const int64_t total = outer * n * inner;
  if (total == 0) return out;
  const int32_t* idx = device_ptr<const int32_t>(index, DType::i32, "index");
  cudaStream_t s = stream(x.device().index);
  const void* xp = storage_ptr(x);
  void* op = storage_ptr(out);
  const unsigned grid = grid_for(total);
  switch (dtype_size(x.dtype())) {
    case 1: select_rows_kernel<<<grid, kThreads, 0, s>>>(static_cast<const uint8_t*>(xp), idx, static_cast<uint8_t*>(op), size, inner, n, total); break;
    case 2: select_rows_kernel<<<grid, kThreads, 0, s>>>(static_cast<const uint16_t*>(xp), idx, static_cast<uint16_t*>(op), size, inner, n, total); break;
    case 4: select_rows_kernel<<<grid, kThreads, 0, s>>>(static_cast<const uint32_t*>(xp), idx, static_cast<uint32_t*>(op), size, inner, n, total); break;
    default: select_rows_kernel<<<grid, kThreads, 0, s>>>(static_cast<const uint64_t*>(xp), idx, static_cast<uint64_t*>(op), size, inner, n, total); break;
  }
  TRIT_CUDA_CHECK_LAUNCH();
  return out;
}

Tensor scatter_rows(const Tensor& g, int64_t outer, int64_t size, int64_t inner, const Tensor& index, int64_t n,
                    const Shape& in_shape) {
  TRIT_CHECK(g.is_contiguous() && index.is_contiguous(), "scatter_rows: internal: CUDA kernel needs contiguous input");
  check_f32(g, "embedding backward");
  Tensor out = Tensor::zeros(in_shape, DType::f32, g.device());
  const int64_t total = outer * n * inner;
  if (total == 0) return out;
  scatter_rows_kernel<<<grid_for(total), kThreads, 0, stream(g.device().index)>>>(
      device_ptr<const float>(g, DType::f32, "scatter"), device_ptr<const int32_t>(index, DType::i32, "scatter"),
      device_ptr<float>(out, DType::f32, "scatter"), size, inner, n, total);
  TRIT_CUDA_CHECK_LAUNCH();
  return out;
}

}  // namespace trit::cuda

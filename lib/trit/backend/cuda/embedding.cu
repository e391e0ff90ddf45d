// Gather/scatter-add of rows (see embedding.h): one thread per element of the gathered side.
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

}  // namespace

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

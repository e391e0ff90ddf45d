// Row reductions (see reduce.h): one block per row, grid-stride over rows, each thread
// strides through its row and the block combines with warp shuffles; few long rows are cut
// into chunks first.
#include "trit/backend/cuda/reduce.h"

#include <climits>

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/device_utils.cuh"
#include "trit/backend/cuda/tensor_access.h"

namespace trit::cuda {
namespace {

__global__ void reduce_rows_kernel(ReduceOp op, const float* in, float* out, int64_t n_out, int64_t n) {
  for (int64_t r = blockIdx.x; r < n_out; r += gridDim.x) {
    const float* row = in + r * n;
    if (op == ReduceOp::max) {
      float m = -INFINITY;
      for (int64_t j = threadIdx.x; j < n; j += blockDim.x) m = fmaxf(m, row[j]);
      m = block_reduce(m, MaxOp{}, -INFINITY);
      if (threadIdx.x == 0) out[r] = m;
    } else {
      double s = 0.0;
      for (int64_t j = threadIdx.x; j < n; j += blockDim.x) s += double(row[j]);
      s = block_reduce(s, SumOp{}, 0.0);
      if (threadIdx.x == 0) out[r] = float(op == ReduceOp::mean ? s / double(n) : s);
    }
  }
}

// Few long rows (a whole-tensor sum, a gradient norm): one block per row would leave the device
// idle, so each row is cut into chunks reduced by separate blocks (partial[row, chunk], in
// double), then one block per row combines its chunks.
constexpr int64_t kChunk = 16384;

__global__ void reduce_chunks_kernel(ReduceOp op, const float* in, double* partial, int64_t n, int64_t n_chunks) {
  const int64_t r = blockIdx.y, c = blockIdx.x;
  const float* row = in + r * n;
  const int64_t begin = c * kChunk, end = begin + kChunk < n ? begin + kChunk : n;
  double v = op == ReduceOp::max ? -INFINITY : 0.0;
  for (int64_t j = begin + threadIdx.x; j < end; j += blockDim.x) v = op == ReduceOp::max ? fmax(v, double(row[j])) : v + double(row[j]);
  v = op == ReduceOp::max ? block_reduce(v, MaxOp{}, double(-INFINITY)) : block_reduce(v, SumOp{}, 0.0);
  if (threadIdx.x == 0) partial[r * n_chunks + c] = v;
}

__global__ void combine_chunks_kernel(ReduceOp op, const double* partial, float* out, int64_t n_out, int64_t n_chunks,
                                      int64_t n) {
  for (int64_t r = blockIdx.x; r < n_out; r += gridDim.x) {
    double v = op == ReduceOp::max ? -INFINITY : 0.0;
    for (int64_t c = threadIdx.x; c < n_chunks; c += blockDim.x)
      v = op == ReduceOp::max ? fmax(v, partial[r * n_chunks + c]) : v + partial[r * n_chunks + c];
    v = op == ReduceOp::max ? block_reduce(v, MaxOp{}, double(-INFINITY)) : block_reduce(v, SumOp{}, 0.0);
    if (threadIdx.x == 0) out[r] = float(op == ReduceOp::mean ? v / double(n) : v);
  }
}

// Of two (value, index) candidates the larger value wins; equal values go to the lower index
// (the CPU's first maximum).
__device__ inline void better(float& v, int& i, float ov, int oi) {
  if (ov > v || (ov == v && oi < i)) {
    v = ov;
    i = oi;
  }
}

__global__ void argmax_rows_kernel(const float* in, float* values, int32_t* indices, int64_t n_out, int64_t n) {
  __shared__ float shared_v[32];
  __shared__ int shared_i[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, n_warps = int(blockDim.x) >> 5;
  for (int64_t r = blockIdx.x; r < n_out; r += gridDim.x) {
    const float* row = in + r * n;
    float v = -INFINITY;
    int idx = INT_MAX;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) better(v, idx, row[j], int(j));
    for (int o = 16; o > 0; o >>= 1) better(v, idx, __shfl_xor_sync(0xffffffffu, v, o), __shfl_xor_sync(0xffffffffu, idx, o));
    __syncthreads();
    if (lane == 0) {
      shared_v[warp] = v;
      shared_i[warp] = idx;
    }
    __syncthreads();
    if (warp == 0) {
      v = lane < n_warps ? shared_v[lane] : -INFINITY;
      idx = lane < n_warps ? shared_i[lane] : INT_MAX;
      for (int o = 16; o > 0; o >>= 1) better(v, idx, __shfl_xor_sync(0xffffffffu, v, o), __shfl_xor_sync(0xffffffffu, idx, o));
      if (lane == 0) {
        // A row of NaNs or -inf only: the CPU keeps position 0.
        if (idx == INT_MAX) idx = 0;
        values[r] = row[idx];
        indices[r] = idx;
      }
    }
  }
}

// keep: g's shape (dim `dim` of size 1), out_strides: the output's strides.
__global__ void scatter_along_dim_kernel(const float* g, const int32_t* index, float* out, StridedDesc<1> keep,
                                         int dim, int64_t n) {
  // One index per position of the kept dims: no two elements land on one output element.
  TRIT_GRID_STRIDE(i, n) out[gather_offset(keep, dim, index, i)] += g[i];
}

}  // namespace

void reduce_rows(ReduceOp op, const Tensor& rows, int64_t n_out, int64_t n_reduce, Tensor& out) {
  if (n_out == 0) return;
  const float* in = device_ptr<const float>(rows, DType::f32, "reduce");
  float* o = device_ptr<float>(out, DType::f32, "reduce");
  cudaStream_t s = stream(rows.device().index);
  const int64_t n_chunks = (n_reduce + kChunk - 1) / kChunk;
  if (n_out < 256 && n_chunks > 1 && n_out <= 65535) {
    Tensor partial = Tensor::empty({n_out, n_chunks}, DType::f64, rows.device());
    double* pp = device_ptr<double>(partial, DType::f64, "reduce");
    reduce_chunks_kernel<<<dim3(unsigned(n_chunks), unsigned(n_out)), kRowThreads, 0, s>>>(op, in, pp, n_reduce, n_chunks);
    TRIT_CUDA_CHECK_LAUNCH();
    combine_chunks_kernel<<<grid_for_rows(n_out), row_threads(n_chunks), 0, s>>>(op, pp, o, n_out, n_chunks, n_reduce);
    TRIT_CUDA_CHECK_LAUNCH();
    return;
  }
  reduce_rows_kernel<<<grid_for_rows(n_out), row_threads(n_reduce), 0, s>>>(op, in, o, n_out, n_reduce);
  TRIT_CUDA_CHECK_LAUNCH();
}

void argmax_rows(const Tensor& rows, int64_t n_out, int64_t n_reduce, Tensor& values, Tensor& indices) {
  if (n_out == 0) return;
  argmax_rows_kernel<<<grid_for_rows(n_out), row_threads(n_reduce), 0, stream(rows.device().index)>>>(
      device_ptr<const float>(rows, DType::f32, "max"), device_ptr<float>(values, DType::f32, "max"),
      device_ptr<int32_t>(indices, DType::i32, "max"), n_out, n_reduce);
  TRIT_CUDA_CHECK_LAUNCH();
}

void scatter_along_dim(const Tensor& g, const Tensor& index, int64_t dim, Tensor& out) {
  const int64_t n = g.numel();
  if (n == 0) return;
  TRIT_CHECK(g.dim() <= kMaxDims, "max: CUDA backward takes at most ", kMaxDims, " dims, got ", g.dim());
  TRIT_CHECK(g.is_contiguous() && index.is_contiguous() && out.is_contiguous(), "max: internal: scatter needs contiguous tensors");
  StridedDesc<1> keep;
  keep.ndim = int(g.dim());
  for (int k = 0; k < keep.ndim; ++k) {
    keep.shape[k] = g.shape()[size_t(k)];
    keep.strides[0][k] = out.strides()[size_t(k)];
  }
  scatter_along_dim_kernel<<<grid_for(n), kThreads, 0, stream(out.device().index)>>>(
      device_ptr<const float>(g, DType::f32, "max"), device_ptr<const int32_t>(index, DType::i32, "max"),
      device_ptr<float>(out, DType::f32, "max"), keep, int(dim), n);
  TRIT_CUDA_CHECK_LAUNCH();
}

}  // namespace trit::cuda

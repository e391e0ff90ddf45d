// Strided conversion copies, fills and host/device transfers (see copy.h).
#include "trit/backend/cuda/copy.h"

#include <mutex>
#include <vector>
#include <cstring>
#include <memory>

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/device_utils.cuh"

namespace trit::cuda {
namespace {

// Element access by runtime dtype (the DType enum's order: f32, f64, bf16, f16, i8, i32, u8).
// The switch is uniform across a warp, so it costs no divergence; one kernel serves every pair.
__device__ inline double load_as_double(const void* p, DType t, int64_t i) {
  switch (t) {
    case DType::f32: return double(static_cast<const float*>(p)[i]);
    case DType::f64: return static_cast<const double*>(p)[i];
    case DType::bf16: return double(__bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]));
    case DType::f16: return double(__half2float(static_cast<const __half*>(p)[i]));
    case DType::i8: return double(static_cast<const int8_t*>(p)[i]);
    case DType::i32: return double(static_cast<const int32_t*>(p)[i]);
    case DType::u8: return double(static_cast<const uint8_t*>(p)[i]);
  }
  return 0.0;
}

// bf16/f16 round once from float, as the CPU's from_double (float(v), then to nearest even).
__device__ inline void store_from_double(void* p, DType t, int64_t i, double v) {
  switch (t) {
    case DType::f32: static_cast<float*>(p)[i] = float(v); break;
    case DType::f64: static_cast<double*>(p)[i] = v; break;
    case DType::bf16: static_cast<__nv_bfloat16*>(p)[i] = __float2bfloat16_rn(float(v)); break;
    case DType::f16: static_cast<__half*>(p)[i] = __float2half_rn(float(v)); break;
    case DType::i8: static_cast<int8_t*>(p)[i] = int8_t(v); break;
    case DType::i32: static_cast<int32_t*>(p)[i] = int32_t(v); break;
    case DType::u8: static_cast<uint8_t*>(p)[i] = uint8_t(v); break;
  }
}

__global__ void convert_kernel(const void* src, DType st, void* dst, DType dt, StridedDesc<2> d, int64_t n) {
  TRIT_GRID_STRIDE(i, n) {
    int64_t off[2];
    strided_offsets(d, i, off);
    store_from_double(dst, dt, off[1], load_as_double(src, st, off[0]));
  }
}

// Same dtype: moves elements of `Word` bytes without conversion.
template <typename Word>
__global__ void move_kernel(const Word* src, Word* dst, StridedDesc<2> d, int64_t n) {
  TRIT_GRID_STRIDE(i, n) {
    int64_t off[2];
    strided_offsets(d, i, off);
    dst[off[1]] = src[off[0]];
  }
}

__global__ void fill_kernel(void* dst, DType dt, StridedDesc<1> d, int64_t n, double value) {
  TRIT_GRID_STRIDE(i, n) {
    int64_t off[1];
    strided_offsets(d, i, off);
    store_from_double(dst, dt, off[0], value);
  }
}

// Two pinned buffers per device; a chunk's event tells when its buffer is free again.
struct Staging {
  static constexpr size_t kChunk = size_t(4) << 20;
  std::mutex mutex;
  void* buffer[2] = {nullptr, nullptr};
  cudaEvent_t done[2] = {nullptr, nullptr};
  bool pending[2] = {false, false};
};

Staging& staging(int device) {
  static std::mutex mutex;
  static auto* all = new std::vector<std::unique_ptr<Staging>>();  // never freed: used until exit
  context(device);
  std::lock_guard lock(mutex);
  if (all->size() <= size_t(device)) all->resize(size_t(device) + 1);
  auto& s = (*all)[size_t(device)];
  if (!s) {
    auto made = std::make_unique<Staging>();
    for (int k = 0; k < 2; ++k) {
      TRIT_CUDA_CHECK(cudaMallocHost(&made->buffer[k], Staging::kChunk));
      TRIT_CUDA_CHECK(cudaEventCreateWithFlags(&made->done[k], cudaEventDisableTiming));
    }
    s = std::move(made);
  }
  return *s;
}

void wait_free(Staging& s, int k) {
  if (s.pending[k]) TRIT_CUDA_CHECK(cudaEventSynchronize(s.done[k]));
  s.pending[k] = false;
}

}  // namespace

void copy_strided(const void* src, DType src_dtype, const Strides& src_strides, void* dst, DType dst_dtype,
                  const Strides& dst_strides, const Shape& shape, int device) {
  const int64_t n = numel(shape);
  if (n == 0) return;
  const StridedDesc<2> d = make_strided_desc<2>(shape, {&src_strides, &dst_strides}, "copy");
  cudaStream_t s = stream(device);
  if (src_dtype == dst_dtype) {
    switch (dtype_size(src_dtype)) {
      case 1: move_kernel<<<grid_for(n), kThreads, 0, s>>>(static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst), d, n); break;
      case 2: move_kernel<<<grid_for(n), kThreads, 0, s>>>(static_cast<const uint16_t*>(src), static_cast<uint16_t*>(dst), d, n); break;
      case 4: move_kernel<<<grid_for(n), kThreads, 0, s>>>(static_cast<const uint32_t*>(src), static_cast<uint32_t*>(dst), d, n); break;
      default: move_kernel<<<grid_for(n), kThreads, 0, s>>>(static_cast<const uint64_t*>(src), static_cast<uint64_t*>(dst), d, n); break;
    }
  } else {
    convert_kernel<<<grid_for(n), kThreads, 0, s>>>(src, src_dtype, dst, dst_dtype, d, n);
  }
  TRIT_CUDA_CHECK_LAUNCH();
}

void fill(void* dst, DType dtype, const Strides& strides, const Shape& shape, double value, int device) {
  const int64_t n = numel(shape);
  if (n == 0) return;
  const StridedDesc<1> d = make_strided_desc<1>(shape, {&strides}, "fill");
  fill_kernel<<<grid_for(n), kThreads, 0, stream(device)>>>(dst, dtype, d, n, value);
  TRIT_CUDA_CHECK_LAUNCH();
}

void zero_bytes(void* dst, size_t nbytes, int device) {
  if (nbytes == 0) return;
  TRIT_CUDA_CHECK(cudaMemsetAsync(dst, 0, nbytes, stream(device)));
}

void copy_host_to_device(void* dst, int device, const void* src, size_t nbytes) {
  Staging& st = staging(device);
  std::lock_guard lock(st.mutex);
  cudaStream_t s = stream(device);
  int k = 0;
  for (size_t off = 0; off < nbytes; off += Staging::kChunk, k ^= 1) {
    const size_t len = std::min(Staging::kChunk, nbytes - off);
    wait_free(st, k);
    std::memcpy(st.buffer[k], static_cast<const char*>(src) + off, len);
    TRIT_CUDA_CHECK(cudaMemcpyAsync(static_cast<char*>(dst) + off, st.buffer[k], len, cudaMemcpyHostToDevice, s));
    TRIT_CUDA_CHECK(cudaEventRecord(st.done[k], s));
    st.pending[k] = true;
  }
}

void copy_device_to_host(void* dst, const void* src, int device, size_t nbytes) {
  Staging& st = staging(device);
  std::lock_guard lock(st.mutex);
  cudaStream_t s = stream(device);
  const size_t n_chunks = (nbytes + Staging::kChunk - 1) / Staging::kChunk;
  auto issue = [&](size_t c) {
    const int k = int(c & 1);
    const size_t off = c * Staging::kChunk, len = std::min(Staging::kChunk, nbytes - off);
    wait_free(st, k);
    TRIT_CUDA_CHECK(cudaMemcpyAsync(st.buffer[k], static_cast<const char*>(src) + off, len, cudaMemcpyDeviceToHost, s));
    TRIT_CUDA_CHECK(cudaEventRecord(st.done[k], s));
    st.pending[k] = true;
  };
  if (n_chunks > 0) issue(0);
  for (size_t c = 0; c < n_chunks; ++c) {
    if (c + 1 < n_chunks) issue(c + 1);  // the next chunk lands in the other buffer meanwhile
    const int k = int(c & 1);
    const size_t off = c * Staging::kChunk, len = std::min(Staging::kChunk, nbytes - off);
    wait_free(st, k);
    std::memcpy(static_cast<char*>(dst) + off, st.buffer[k], len);
  }
}

void copy_device_to_device(void* dst, int dst_device, const void* src, int src_device, size_t nbytes) {
  if (nbytes == 0) return;
  if (dst_device == src_device) {
    TRIT_CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToDevice, stream(src_device)));
    return;
  }
  // Across devices: the destination block may still be in use by work queued on its device,
  // and the source may still be being written on its own; wait for both, copy, wait again.
  synchronize(dst_device);
  cudaStream_t s = stream(src_device);
  TRIT_CUDA_CHECK(cudaMemcpyPeerAsync(dst, dst_device, src, src_device, nbytes, s));
  synchronize(src_device);
}

}  // namespace trit::cuda

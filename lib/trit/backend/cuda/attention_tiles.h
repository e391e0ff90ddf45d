#pragma once
// Tile geometry of the fused causal attention kernels (attention_forward.cu,
// attention_backward.cu), shared by the kernels and by host code (launch sizes, tests), so
// the causal tile ranges the kernels walk are checked on the CPU too. Plain C++: no CUDA
// headers needed.
//
// Shapes: q [B, H, T, D], k and v [B, Hkv, S, D], offset = S - T. Query row t sits at absolute
// position offset + t and sees keys 0 ..= offset + t (a KV cache holds the first offset keys).
//
// Thread layout: a row (of Q in the forward and dQ kernels, of K/V in the dK/dV kernel) is
// owned by G = DMAX / kSlice adjacent lanes; lane g holds elements g, g + G, g + 2G, ... of the
// row (kSlice of them), so the G lanes read consecutive shared-memory words (no bank
// conflicts) and a dot product is kSlice FMAs plus a log2(G)-step shuffle reduction.
#include <cstdint>

#if defined(__CUDACC__)
#define TRIT_ATTN_HD __host__ __device__
#else
#define TRIT_ATTN_HD
#endif

namespace trit::cuda::attn {

constexpr int kSlice = 16;     // head-dim elements per lane
constexpr int kRowsFwd = 64;   // query rows per block (forward and dQ kernels)
constexpr int kKeysTile = 32;  // keys per shared-memory tile (forward and dQ kernels)
constexpr int kKeysBwd = 64;   // key rows per block (dK/dV kernel)
constexpr int kRowsTile = 32;  // query rows per shared-memory tile (dK/dV kernel)

// The instantiated head dim (32, 64 or 128) that serves head dim d: smaller dims are padded
// with zeros, which add nothing to dot products. 0 when d is outside 1..128.
TRIT_ATTN_HD constexpr int head_dim_bucket(int64_t d) {
  return d <= 0 ? 0 : d <= 32 ? 32 : d <= 64 ? 64 : d <= 128 ? 128 : 0;
}
TRIT_ATTN_HD constexpr int lanes_per_row(int dmax) { return dmax / kSlice; }
TRIT_ATTN_HD constexpr int threads_fwd(int dmax) { return kRowsFwd * lanes_per_row(dmax); }
TRIT_ATTN_HD constexpr int threads_dkdv(int dmax) { return kKeysBwd * lanes_per_row(dmax); }

TRIT_ATTN_HD constexpr bool key_visible(int64_t row, int64_t key, int64_t offset) { return key <= offset + row; }

// End (exclusive) of the keys that query rows [row0, row0 + rows) can see; rows are clipped
// to T. Tiles starting at or past it are skipped.
TRIT_ATTN_HD constexpr int64_t key_end_for_rows(int64_t row0, int64_t rows, int64_t T, int64_t offset) {
  const int64_t last = (row0 + rows < T ? row0 + rows : T) - 1;
  return offset + last + 1;
}

// First query row that sees key0 (and so any key at or after it); tiles of rows before it
// are skipped by the dK/dV kernel.
TRIT_ATTN_HD constexpr int64_t first_row_seeing(int64_t key0, int64_t offset) {
  return key0 - offset > 0 ? key0 - offset : 0;
}

TRIT_ATTN_HD constexpr int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace trit::cuda::attn

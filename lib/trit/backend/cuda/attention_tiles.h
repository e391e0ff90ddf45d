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

// Tensor-core kernels (bf16, attention_tc_kernels.cuh): 4 warps per block, each owning 16
// rows (query rows in the forward and dQ kernels, keys in the dK/dV kernel); the other side
// comes in tiles of 64. The 16x16x16 wmma products read and write shared memory, laid out in
// regions at multiples of 128 bytes (wmma needs 32-byte aligned pointers). Rows are padded
// (16 bytes for float, 16 for bf16) so that the 16 rows a warp touches at once fall in
// different shared-memory banks; wmma takes the padded row length as its ldm (a multiple of
// 16 bytes, as it must be). Two lanes own each of a warp's 16 rows for the softmax
// bookkeeping: lane 2r takes the even columns, lane 2r + 1 the odd ones.
constexpr int kTcWarps = 4;
constexpr int kTcRows = 16 * kTcWarps;  // rows per block
constexpr int kTcTile = 64;             // keys (forward, dQ) or query rows (dK/dV) per tile
constexpr int kTcThreads = 32 * kTcWarps;
constexpr int64_t kMaxDynamicShared = 227 * 1024;  // per block on sm_90
static_assert(kTcRows == kTcTile, "the shared-memory layouts size row blocks and tiles alike");

// Row lengths (ld, in elements) of the shared arrays: [64][D] bf16 (q, k, v, dout), [64][D]
// float (o, stage), [64][64] float (s, dp and their transposes), [64][64] bf16 (p, ds, ...).
TRIT_ATTN_HD constexpr int ld_rows_bf16(int dmax) { return dmax + 8; }
TRIT_ATTN_HD constexpr int ld_rows_f32(int dmax) { return dmax + 4; }
constexpr int kLdTileF32 = kTcTile + 4;
constexpr int kLdTileBf16 = kTcTile + 8;

TRIT_ATTN_HD constexpr int64_t rows_bf16_bytes(int dmax) { return int64_t(kTcRows) * ld_rows_bf16(dmax) * 2; }
TRIT_ATTN_HD constexpr int64_t rows_f32_bytes(int dmax) { return int64_t(kTcRows) * ld_rows_f32(dmax) * 4; }
constexpr int64_t kTileF32Bytes = int64_t(kTcRows) * kLdTileF32 * 4;
constexpr int64_t kTileBf16Bytes = int64_t(kTcRows) * kLdTileBf16 * 2;

// Forward: q, k, v [64][D] bf16; s [64][64] float (scores); p [64][64] bf16 (probabilities);
// o [64][D] float (the unnormalised output accumulator, rescaled in place).
struct TcForwardLayout {
  int64_t q, k, v, s, p, o, bytes;
};
TRIT_ATTN_HD constexpr TcForwardLayout tc_forward_layout(int dmax) {
  TcForwardLayout l{};
  l.q = 0;
  l.k = l.q + rows_bf16_bytes(dmax);
  l.v = l.k + rows_bf16_bytes(dmax);
  l.s = l.v + rows_bf16_bytes(dmax);
  l.p = l.s + kTileF32Bytes;
  l.o = l.p + kTileBf16Bytes;
  l.bytes = l.o + rows_f32_bytes(dmax);
  return l;
}

// dQ: q, dout, k, v [64][D] bf16; s, dp [64][64] float; ds [64][64] bf16; stage [64][D] float
// (the dq accumulators on their way out).
struct TcDqLayout {
  int64_t q, dout, k, v, s, dp, ds, stage, bytes;
};
TRIT_ATTN_HD constexpr TcDqLayout tc_dq_layout(int dmax) {
  TcDqLayout l{};
  l.q = 0;
  l.dout = l.q + rows_bf16_bytes(dmax);
  l.k = l.dout + rows_bf16_bytes(dmax);
  l.v = l.k + rows_bf16_bytes(dmax);
  l.s = l.v + rows_bf16_bytes(dmax);
  l.dp = l.s + kTileF32Bytes;
  l.ds = l.dp + kTileF32Bytes;
  l.stage = l.ds + kTileBf16Bytes;
  l.bytes = l.stage + rows_f32_bytes(dmax);
  return l;
}

// dK/dV: k, v (the block's keys), q, dout (a tile of query rows) [64][D] bf16; st, dpt
// [64 keys][64 rows] float (S and dP transposed); pt, dst [64][64] bf16; lse, delta [64] float
// of the tile's rows (256 bytes each, padded to 128-byte multiples); stage [64][D] float.
struct TcDkdvLayout {
  int64_t k, v, q, dout, st, dpt, pt, dst, lse, delta, stage, bytes;
};
TRIT_ATTN_HD constexpr TcDkdvLayout tc_dkdv_layout(int dmax) {
  TcDkdvLayout l{};
  l.k = 0;
  l.v = l.k + rows_bf16_bytes(dmax);
  l.q = l.v + rows_bf16_bytes(dmax);
  l.dout = l.q + rows_bf16_bytes(dmax);
  l.st = l.dout + rows_bf16_bytes(dmax);
  l.dpt = l.st + kTileF32Bytes;
  l.pt = l.dpt + kTileF32Bytes;
  l.dst = l.pt + kTileBf16Bytes;
  l.lse = l.dst + kTileBf16Bytes;
  l.delta = l.lse + kTcTile * 4;
  l.stage = l.delta + kTcTile * 4;
  l.bytes = l.stage + rows_f32_bytes(dmax);
  return l;
}

}  // namespace trit::cuda::attn

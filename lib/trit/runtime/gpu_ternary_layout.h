#pragma once
// Ternary weights laid out for the CUDA backend's inference kernels (backend/cuda/int8_infer.h).
// Host code, compiled in every build: the CPU tests pin the layout and the GEMV arithmetic here,
// and the CUDA kernel includes the same inline decode so both read the bytes one way.
//
// Layout "G2" (2-bit ternary codes, per-tensor scale), for W rows x cols (y = x · Wᵀ):
//   cols_padded = cols rounded up to 512; row_bytes = cols_padded / 4 (a multiple of 128).
//   Rows are contiguous: row r starts at byte r * row_bytes (no interleave).
//   Group g of a row (columns 512g .. 512g+511) is 128 bytes at r * row_bytes + 128g.
//   Byte q (0..127) of a group holds columns 512g + q + 128n at bits 2n..2n+1 (n = 0..3) as the
//   code c = w + 1 ∈ {0, 1, 2}. Padding columns (>= cols) hold code 0.
// Why: a warp loads 512 consecutive bytes of a row per step (16 bytes a lane, lanes 8s..8s+7 on
// group s): one coalesced transaction. A lane's 32-bit word j of its 16 bytes (group byte
// q0 = 16k + 4j, k = lane % 8), shifted right by 2n and masked with 0x03030303, gives four byte
// lanes holding the codes of columns 512g + 128n + q0 .. +3: the same four columns as the aligned
// 32-bit word of the int8 activations at that column, so __dp4a(codes, x, acc) needs no shuffle.
// For fixed n, the eight lanes of a group read 128 contiguous activation bytes.
// The kernel sums Σ c·x = Σ w·x + Σ x over the padded row and subtracts the activation row sum
// Σ x (over the real columns; padding codes are 0, so activation padding never counts).
// Bytes per GEMV: rows * cols_padded / 4.
//
// The int8 form for the cuBLASLt IMMA GEMM (prompts, batches) is row-major rows x cols_padded
// int8 values w, zero padded, so its leading dimension is a multiple of 16 bytes.
//
// Result (both paths, bit-identical to the CPU runtime's ternary_matmul):
//   y[t][r] = float(dot) / (sx[t] * sw)   with dot = Σ_j xq[t][j] · w[r][j] exact in int32.
#include <cstddef>
#include <cstdint>
#include <vector>

#if defined(__CUDACC__)
#define TRIT_HOST_DEVICE __host__ __device__
#else
#define TRIT_HOST_DEVICE
#endif

namespace trit::runtime {

struct TernaryWeightsView;

namespace gpu {

inline constexpr size_t kGroupCols = 512;   // columns per group
inline constexpr size_t kGroupBytes = 128;  // kGroupCols / 4
inline constexpr size_t kSubCols = 128;     // columns per 2-bit plane of a group

inline constexpr size_t cols_padded(size_t cols) { return (cols + kGroupCols - 1) / kGroupCols * kGroupCols; }
inline constexpr size_t row_bytes(size_t cols) { return cols_padded(cols) / 4; }

// Byte offset of (row, col) in a G2 buffer, and the shift of its code in that byte.
inline constexpr size_t code_byte(size_t row_bytes_, size_t row, size_t col) {
  return row * row_bytes_ + col / kGroupCols * kGroupBytes + col % kSubCols;
}
inline constexpr unsigned code_shift(size_t col) { return unsigned(col % kGroupCols / kSubCols * 2); }

// The four codes of plane n held in a little-endian 32-bit word of a group, one per byte lane.
TRIT_HOST_DEVICE inline uint32_t plane_codes(uint32_t word, unsigned n) { return (word >> (2 * n)) & 0x03030303u; }

// What __dp4a(int a, int b, int c) computes: c + Σ_{i<4} int8(a byte i) * int8(b byte i).
inline int32_t dp4a_reference(uint32_t a, uint32_t b, int32_t c) {
  for (unsigned i = 0; i < 4; ++i) c += int32_t(int8_t(uint8_t(a >> (8 * i)))) * int32_t(int8_t(uint8_t(b >> (8 * i))));
  return c;
}

// W (rows x cols row-major, each value -1, 0 or 1; anything else is an error naming the entry)
// -> G2 codes (rows * row_bytes(cols) bytes).
std::vector<uint8_t> pack_g2(const int8_t* w, size_t rows, size_t cols);
// G2 codes -> rows x cols values; a code 3, or a non-zero code in padding, is an error.
std::vector<int8_t> unpack_g2(const uint8_t* codes, size_t n_bytes, size_t rows, size_t cols);
// The CPU runtime's packed T2 weights (ternary_pack.h) re-laid as G2 codes.
std::vector<uint8_t> g2_from_packed(const TernaryWeightsView& w);
// The int8 form for the IMMA GEMM: rows x cols_padded(cols), zero padded.
std::vector<int8_t> int8_padded(const int8_t* w, size_t rows, size_t cols);

// CPU reference of the GEMV kernel, in its order of operations: for each row, the dp4a sum over
// (group, lane k, word j, plane n) of the codes against activations xq (x_stride >= cols_padded,
// entries past cols may hold anything), minus xsum[t]. Returns the int32 dots [t * rows + r].
std::vector<int32_t> gemv_reference_i32(const uint8_t* codes, size_t rows, size_t cols, const int8_t* xq,
                                        size_t n_tokens, size_t x_stride, const int32_t* xsum);
// The float output the kernel writes: y[t * y_stride + r] = float(dot) / (sx[t] * sw).
void gemv_reference(const uint8_t* codes, size_t rows, size_t cols, float sw, const int8_t* xq, size_t n_tokens,
                    size_t x_stride, const float* sx, const int32_t* xsum, float* y, size_t y_stride);

}  // namespace gpu
}  // namespace trit::runtime

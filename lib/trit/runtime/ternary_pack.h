#pragma once
// Packed ternary weights in trit's kernel layout, built once at load time.
//
// Layout "T2" (2-bit ternary codes, row-major, per-tensor scale):
//   W is rows x cols (y = x · Wᵀ, one row per output), entries w ∈ {-1, 0, +1}.
//   cols_padded = cols rounded up to 256; row_bytes = cols_padded / 4 (a multiple of 64).
//   Group g (columns 256g .. 256g+255) of a row is 64 bytes; byte m (0..63) of the group holds
//   columns 256g + m + 64n at bits 2n..2n+1 (n = 0..3) as the code c = w + 1 ∈ {0, 1, 2}.
//   Rows are interleaved in blocks of 8: group g of row r is at byte
//     (r / 8) * 8 * row_bytes + g * 512 + (r % 8) * 64
//   of a 64-byte-aligned buffer, so a GEMV over 8 rows reads one sequential stream.
//   rows_padded = rows rounded up to 8. Padding (columns >= cols, rows >= rows) holds code 0.
// Why this order: one 64-byte load, shifted right by 2n and masked with 3, gives the codes of
// 64 consecutive columns 256g+64n .. +63, which line up with one plain 64-byte load of the
// int8 activations, so vpdpbusd(codes as u8, activations as s8) needs no shuffles. The kernel
// computes Σ c·x = Σ w·x + Σ x and subtracts the activation row sum (Σ x over the real
// columns); padding codes 0 contribute nothing whatever the activation padding holds.
// Bytes moved per GEMV: rows * cols_padded / 4 (2 bits per weight), the memory floor.
//
// Scale: sw per tensor, y = (xq · Wqᵀ) / (sx * sw) (BitNet b1.58; see docs and DESIGN.md).
#include <cstddef>
#include <cstdint>
#include <optional>

#include "trit/runtime/aligned_buffer.h"

namespace trit::runtime {

inline constexpr size_t kTernaryGroup = 256;  // columns per 64-byte group

struct TernaryWeightsView {
  const uint8_t* codes = nullptr;
  size_t rows = 0;
  size_t cols = 0;
  size_t row_bytes = 0;  // cols_padded / 4
  float sw = 1.0f;       // weight scale: W ≈ Wq / sw
};

inline constexpr size_t kTernaryRowBlock = 8;  // rows interleaved per block
inline constexpr size_t kTernaryGroupStride = kTernaryRowBlock * 64;  // bytes from group g to g+1

// Byte offset of group g of `row`.
inline size_t ternary_group_offset(size_t row_bytes, size_t row, size_t g) {
  return row / kTernaryRowBlock * kTernaryRowBlock * row_bytes + g * kTernaryGroupStride +
         row % kTernaryRowBlock * 64;
}

class PackedTernary {
 public:
  PackedTernary() = default;
  PackedTernary(size_t rows, size_t cols, float sw);  // all weights 0

  size_t rows() const { return rows_; }
  size_t cols() const { return cols_; }
  size_t cols_padded() const { return row_bytes_ * 4; }
  size_t row_bytes() const { return row_bytes_; }
  size_t rows_padded() const { return (rows_ + kTernaryRowBlock - 1) / kTernaryRowBlock * kTernaryRowBlock; }
  size_t size_bytes() const { return rows_padded() * row_bytes_; }
  float sw() const { return sw_; }
  const uint8_t* codes() const { return codes_.data(); }
  uint8_t* mutable_codes() { return codes_.data(); }  // for repackers writing whole groups
  TernaryWeightsView view() const { return {codes_.data(), rows_, cols_, row_bytes_, sw_}; }

  int8_t get(size_t row, size_t col) const;
  void set(size_t row, size_t col, int8_t w);  // w ∈ {-1, 0, 1}
  void set_row(size_t row, const int8_t* w);    // cols values, each -1, 0 or 1

 private:
  size_t rows_ = 0, cols_ = 0, row_bytes_ = 0;
  float sw_ = 1.0f;
  AlignedBuffer<uint8_t> codes_;
};

// Position of (row, col) in the T2 layout: byte offset and bit shift.
inline size_t ternary_code_byte(size_t row_bytes, size_t row, size_t col) {
  return ternary_group_offset(row_bytes, row, col / 256) + col % 64;
}
inline unsigned ternary_code_shift(size_t col) { return unsigned(col % 256 / 64 * 2); }

// Ternary weight at (row, col) of a view.
inline int8_t ternary_weight(const TernaryWeightsView& w, size_t row, size_t col) {
  const uint8_t byte = w.codes[ternary_code_byte(w.row_bytes, row, col)];
  return int8_t(((byte >> ternary_code_shift(col)) & 3) - 1);
}

// sw = 1 / max(mean(|W|), 1e-5) over n floats (mean summed in double, then rounded to float).
float ternary_weight_scale(const float* w, size_t n);

// W (rows x cols, row-major float) -> sw and Wq = clamp(round(W * sw), -1, 1), round half to
// even, packed.
PackedTernary repack_from_float(const float* w, size_t rows, size_t cols);

// Already ternary values (each -1, 0 or 1; anything else is an error) with a given scale.
PackedTernary repack_from_ternary(const int8_t* wq, size_t rows, size_t cols, float sw);

// GGUF TQ2_0 tensor data (rows x cols, ne[0] = cols, a multiple of 256): rows * cols / 256
// blocks of 66 bytes { uint8 qs[64]; f16 d }, qs byte 32h+m holding elements 128h+m+32n at
// bits 2n (h = 0,1; m = 0..31; n = 0..3), code q meaning (q - 1) * d.
// Assumption (trit's converter): every block's d is the per-tensor weight magnitude 1/sw
// (fp16), or 0 for a block whose weights are all zero. Blocks with d = 0 are read as zeros;
// all non-zero d must be equal (per-block scales do not fit this per-tensor layout) and
// positive; code 3 is invalid. sw = 1/d unless `sw` is given, which must agree with d to fp16
// precision (an fp16 d cannot carry sw exactly; pass the f32 scale for exact results).
PackedTernary repack_from_tq2_0(const uint8_t* data, size_t n_bytes, size_t rows, size_t cols,
                                std::optional<float> sw = std::nullopt);

// GGUF TQ1_0 tensor data: rows * cols / 256 blocks of 54 bytes { uint8 qs[48]; uint8 qh[4];
// f16 d }, 5 trits per byte in base 3 (first element most significant), each byte stored as
// ceil(v * 256 / 243): qs[m] (m < 32) holds elements m + 32n (n = 0..4), qs[32+m] (m < 16)
// holds 160 + m + 16n, qh[j] holds 240 + j + 4n (n = 0..3, 5th trit 0); trit t means t - 1.
// A byte that is not such an encoding is an error. Scales: as for TQ2_0 above.
PackedTernary repack_from_tq1_0(const uint8_t* data, size_t n_bytes, size_t rows, size_t cols,
                                std::optional<float> sw = std::nullopt);

}  // namespace trit::runtime

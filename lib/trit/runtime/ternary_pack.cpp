#include "trit/runtime/ternary_pack.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "trit/core/abs_sum.h"
#include "trit/core/error.h"
#include "trit/core/half.h"

namespace trit::runtime {

PackedTernary::PackedTernary(size_t rows, size_t cols, float sw)
    : rows_(rows),
      cols_(cols),
      row_bytes_((cols + kTernaryGroup - 1) / kTernaryGroup * (kTernaryGroup / 4)),
      sw_(sw),
      codes_((rows + kTernaryRowBlock - 1) / kTernaryRowBlock * kTernaryRowBlock *
             ((cols + kTernaryGroup - 1) / kTernaryGroup * (kTernaryGroup / 4))) {
  TRIT_CHECK(std::isfinite(sw) && sw > 0, "PackedTernary: weight scale sw=", sw,
             " must be finite and positive");
  // Real columns start at code 1 (w = 0); padding stays at code 0. Every group's 64 bytes
  // are the same for all rows: 0x55 for full groups, a partial pattern for the last one.
  const size_t n_groups = row_bytes_ / 64;
  uint8_t last[64];
  const size_t valid = cols - (n_groups == 0 ? 0 : (n_groups - 1) * kTernaryGroup);
  for (size_t m = 0; m < 64; ++m) {
    uint8_t v = 0;
    for (size_t n = 0; n < 4; ++n) v = uint8_t(v | (m + 64 * n < valid ? 1u << (2 * n) : 0u));
    last[m] = v;
  }
  for (size_t r = 0; r < rows; ++r) {
    for (size_t g = 0; g < n_groups; ++g) {
      uint8_t* out = codes_.data() + ternary_group_offset(row_bytes_, r, g);
      if (g + 1 < n_groups) {
        std::memset(out, 0x55, 64);
      } else {
        std::memcpy(out, last, 64);
      }
    }
  }
}

void PackedTernary::set_row(size_t row, const int8_t* w) {
  TRIT_CHECK(row < rows_, "PackedTernary::set_row: row ", row, " outside ", rows_, " rows");
  for (size_t g = 0; g * kTernaryGroup < cols_; ++g) {
    const size_t valid = std::min(kTernaryGroup, cols_ - g * kTernaryGroup);
    uint8_t codes[kTernaryGroup];
    unsigned bad = 0;
    for (size_t e = 0; e < kTernaryGroup; ++e) {
      const unsigned c = e < valid ? unsigned(w[g * kTernaryGroup + e] + 1) : 0u;
      bad |= c > 2 ? 1u : 0u;
      codes[e] = uint8_t(c);
    }
    if (bad) {
      for (size_t e = 0; e < valid; ++e) {
        TRIT_CHECK(w[g * kTernaryGroup + e] >= -1 && w[g * kTernaryGroup + e] <= 1,
                   "PackedTernary::set_row: row ", row, ", column ", g * kTernaryGroup + e,
                   " has weight ", int(w[g * kTernaryGroup + e]), ", not -1, 0 or 1");
      }
    }
    uint8_t* out = codes_.data() + ternary_group_offset(row_bytes_, row, g);
    for (size_t m = 0; m < 64; ++m) {
      out[m] = uint8_t(codes[m] | codes[64 + m] << 2 | codes[128 + m] << 4 | codes[192 + m] << 6);
    }
  }
}

int8_t PackedTernary::get(size_t row, size_t col) const { return ternary_weight(view(), row, col); }

void PackedTernary::set(size_t row, size_t col, int8_t w) {
  TRIT_CHECK(row < rows_ && col < cols_, "PackedTernary::set: (", row, ", ", col,
             ") outside ", rows_, " x ", cols_);
  TRIT_CHECK(w >= -1 && w <= 1, "PackedTernary::set: weight ", int(w), " is not ternary");
  uint8_t& byte = codes_[ternary_code_byte(row_bytes_, row, col)];
  const unsigned shift = ternary_code_shift(col);
  byte = uint8_t((byte & ~(3u << shift)) | (unsigned(w + 1) << shift));
}

float ternary_weight_scale(const float* w, size_t n) {
  const float mean = n == 0 ? 0.0f : float(abs_sum(w, int64_t(n)) / double(n));
  TRIT_CHECK(std::isfinite(mean), "ternary_weight_scale: weights contain inf or NaN");
  return 1.0f / std::max(mean, 1e-5f);
}

PackedTernary repack_from_float(const float* w, size_t rows, size_t cols) {
  const float sw = ternary_weight_scale(w, rows * cols);
  PackedTernary packed(rows, cols, sw);
  std::vector<int8_t> row(cols);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      const float q = std::nearbyint(w[r * cols + c] * sw);  // half to even
      row[c] = int8_t(std::clamp(q, -1.0f, 1.0f));
    }
    packed.set_row(r, row.data());
  }
  return packed;
}

PackedTernary repack_from_ternary(const int8_t* wq, size_t rows, size_t cols, float sw) {
  PackedTernary packed(rows, cols, sw);
  for (size_t r = 0; r < rows; ++r) {
    packed.set_row(r, wq + r * cols);
  }
  return packed;
}

namespace {

// The per-tensor scale shared by a tensor's blocks (see repack_from_tq2_0 in the header):
// sw from the common non-zero fp16 d, or the given sw checked against it.
float tensor_scale_from_blocks(const uint8_t* data, size_t n_blocks, size_t blocks_per_row,
                               size_t block_bytes, const char* type, std::optional<float> sw) {
  uint16_t d_bits = 0;
  for (size_t b = 0; b < n_blocks; ++b) {
    uint16_t bits;
    std::memcpy(&bits, data + b * block_bytes + block_bytes - 2, 2);
    if ((bits & 0x7fff) == 0) continue;  // +0 or -0: an all-zero block
    const float d = f16_to_float(bits);
    TRIT_CHECK(std::isfinite(d) && d > 0, type, ": block ", b, " (row ", b / blocks_per_row,
               ") has scale d=", d, "; expected a finite positive per-tensor scale");
    if (d_bits == 0) d_bits = bits;
    TRIT_CHECK(bits == d_bits, type, ": block ", b, " (row ", b / blocks_per_row, ") has d=", d,
               " but earlier blocks have d=", f16_to_float(d_bits),
               "; per-block scales are not supported (expected one per-tensor scale)");
  }
  float scale = 1e5f;  // an all-zero tensor: sw = 1 / 1e-5 as repack_from_float gives
  if (d_bits != 0) scale = 1.0f / f16_to_float(d_bits);
  if (sw) {
    TRIT_CHECK(std::isfinite(*sw) && *sw > 0, type, ": given sw=", *sw,
               " must be finite and positive");
    if (d_bits != 0) {
      const double ratio = double(f16_to_float(d_bits)) * double(*sw);
      TRIT_CHECK(std::fabs(ratio - 1.0) <= 1.0 / 1024, type, ": given sw=", *sw,
                 " disagrees with the blocks' d=", f16_to_float(d_bits), " (expected d = 1/sw)");
    }
    scale = *sw;
  }
  return scale;
}

// Shared walk over rows x blocks: decode(block, out[256]) gives the ternary values of a block
// whose d is non-zero; blocks with d = 0 stay zero.
template <class Decode>
PackedTernary repack_blocks(const uint8_t* data, size_t n_bytes, size_t rows, size_t cols,
                            std::optional<float> sw, const char* type, size_t block_bytes,
                            Decode decode) {
  constexpr size_t kBlock = 256;
  TRIT_CHECK(cols % kBlock == 0, type, ": row length ", cols, " is not a multiple of 256");
  const size_t blocks_per_row = cols / kBlock;
  TRIT_CHECK(n_bytes == rows * blocks_per_row * block_bytes, type, ": ", rows, " x ", cols,
             " needs ", rows * blocks_per_row * block_bytes, " bytes, got ", n_bytes);
  const float scale =
      tensor_scale_from_blocks(data, rows * blocks_per_row, blocks_per_row, block_bytes, type, sw);
  PackedTernary packed(rows, cols, scale);
  std::vector<int8_t> row(cols);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t blk = 0; blk < blocks_per_row; ++blk) {
      const uint8_t* block = data + (r * blocks_per_row + blk) * block_bytes;
      uint16_t bits;
      std::memcpy(&bits, block + block_bytes - 2, 2);
      if ((bits & 0x7fff) == 0) {
        std::fill_n(row.data() + blk * kBlock, kBlock, int8_t(0));  // d = 0: all zero
      } else {
        decode(block, row.data() + blk * kBlock, r, blk);
      }
    }
    packed.set_row(r, row.data());
  }
  return packed;
}

// TQ1_0 trit n (0 = most significant) of a packed byte, as llama.cpp decodes it.
int trit_of(uint8_t byte, int n) {
  static constexpr uint8_t kPow3[5] = {1, 3, 9, 27, 81};
  const uint8_t q = uint8_t(byte * kPow3[n]);
  return (q * 3) >> 8;
}

}  // namespace

PackedTernary repack_from_tq2_0(const uint8_t* data, size_t n_bytes, size_t rows, size_t cols,
                                std::optional<float> sw) {
  // TQ2_0 and T2 hold the same 2-bit codes (w + 1) in different orders, so codes are moved
  // directly: element e of a block is bits 2((e % 128) / 32) of byte 32(e / 128) + e % 32, and
  // goes to bits 2(e / 64) of byte e % 64 of its T2 group (block = group: both are 256 wide).
  constexpr size_t kBlock = 256, kBytes = 66;
  TRIT_CHECK(cols % kBlock == 0, "TQ2_0: row length ", cols, " is not a multiple of 256");
  const size_t blocks_per_row = cols / kBlock;
  TRIT_CHECK(n_bytes == rows * blocks_per_row * kBytes, "TQ2_0: ", rows, " x ", cols, " needs ",
             rows * blocks_per_row * kBytes, " bytes, got ", n_bytes);
  const float scale =
      tensor_scale_from_blocks(data, rows * blocks_per_row, blocks_per_row, kBytes, "TQ2_0", sw);
  PackedTernary packed(rows, cols, scale);
  uint8_t* codes = packed.mutable_codes();
  for (size_t r = 0; r < rows; ++r) {
    for (size_t blk = 0; blk < blocks_per_row; ++blk) {
      const uint8_t* block = data + (r * blocks_per_row + blk) * kBytes;
      uint16_t bits;
      std::memcpy(&bits, block + 64, 2);
      uint8_t* out = codes + ternary_group_offset(packed.row_bytes(), r, blk);
      if ((bits & 0x7fff) == 0) {
        std::memset(out, 0x55, 64);  // d = 0: every weight 0 (code 1)
        continue;
      }
      unsigned bad = 0;
      for (size_t k = 0; k < 64; ++k) bad |= block[k] & (block[k] >> 1) & 0x55u;  // a code 3
      if (bad) {
        for (size_t e = 0; e < kBlock; ++e) {
          const unsigned q = (block[32 * (e / 128) + e % 32] >> (2 * (e % 128 / 32))) & 3u;
          TRIT_CHECK(q != 3, "TQ2_0: row ", r, ", block ", blk, ", element ", e,
                     " has the invalid code 3 (codes are 0, 1, 2)");
        }
      }
      // T2 byte m (m < 64) holds elements m, m + 64, m + 128, m + 192; element e sits in
      // TQ2_0 byte 32(e / 128) + e % 32 at shift 2((e % 128) / 32).
      for (size_t m = 0; m < 64; ++m) {
        uint8_t v = 0;
        for (size_t n = 0; n < 4; ++n) {
          const size_t e = m + 64 * n;
          v = uint8_t(v | (((block[32 * (e / 128) + e % 32] >> (2 * (e % 128 / 32))) & 3u) << (2 * n)));
        }
        out[m] = v;
      }
    }
  }
  return packed;
}

PackedTernary repack_from_tq1_0(const uint8_t* data, size_t n_bytes, size_t rows, size_t cols,
                                std::optional<float> sw) {
  return repack_blocks(data, n_bytes, rows, cols, sw, "TQ1_0", 54,
                       [](const uint8_t* block, int8_t* out, size_t r, size_t blk) {
    // (byte index, first element, element step, trits in the byte)
    auto unpack = [&](size_t k, size_t first, size_t step, int n_trits) {
      const uint8_t byte = block[k];
      int v = 0;
      for (int n = 0; n < n_trits; ++n) {
        const int t = trit_of(byte, n);
        out[first + step * size_t(n)] = int8_t(t - 1);
        v = v * 3 + t;
      }
      for (int n = n_trits; n < 5; ++n) v *= 3;  // qh: the unused 5th trit is 0
      TRIT_CHECK(byte == (v * 256 + 242) / 243, "TQ1_0: row ", r, ", block ", blk, ", byte ", k,
                 " = ", int(byte), " is not a valid base-3 packing");
    };
    for (size_t m = 0; m < 32; ++m) unpack(m, m, 32, 5);             // elements 0..159
    for (size_t m = 0; m < 16; ++m) unpack(32 + m, 160 + m, 16, 5);  // elements 160..239
    for (size_t j = 0; j < 4; ++j) unpack(48 + j, 240 + j, 4, 4);    // elements 240..255
  });
}

}  // namespace trit::runtime

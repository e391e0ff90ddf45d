#include "trit/runtime/gpu_ternary_layout.h"

#include <cstring>

#include "trit/core/error.h"
#include "trit/runtime/ternary_pack.h"

namespace trit::runtime::gpu {

std::vector<uint8_t> pack_g2(const int8_t* w, size_t rows, size_t cols) {
  const size_t rb = row_bytes(cols);
  std::vector<uint8_t> codes(rows * rb, 0);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      const int8_t v = w[r * cols + c];
      TRIT_CHECK(v >= -1 && v <= 1, "pack_g2: weight (", r, ", ", c, ") is ", int(v), ", not -1, 0 or 1");
      codes[code_byte(rb, r, c)] |= uint8_t(unsigned(v + 1) << code_shift(c));
    }
  }
  return codes;
}

std::vector<int8_t> unpack_g2(const uint8_t* codes, size_t n_bytes, size_t rows, size_t cols) {
  const size_t rb = row_bytes(cols);
  TRIT_CHECK(n_bytes == rows * rb, "unpack_g2: ", n_bytes, " bytes for ", rows, " x ", cols, " weights, expected ",
             rows * rb);
  std::vector<int8_t> w(rows * cols);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols_padded(cols); ++c) {
      const unsigned code = (codes[code_byte(rb, r, c)] >> code_shift(c)) & 3u;
      if (c >= cols) {
        TRIT_CHECK(code == 0, "unpack_g2: padding column ", c, " of row ", r, " holds code ", code, ", expected 0");
        continue;
      }
      TRIT_CHECK(code <= 2, "unpack_g2: weight (", r, ", ", c, ") has the invalid code 3");
      w[r * cols + c] = int8_t(int(code) - 1);
    }
  }
  return w;
}

std::vector<uint8_t> g2_from_packed(const TernaryWeightsView& w) {
  std::vector<int8_t> values(w.rows * w.cols);
  for (size_t r = 0; r < w.rows; ++r) {
    for (size_t c = 0; c < w.cols; ++c) values[r * w.cols + c] = ternary_weight(w, r, c);
  }
  return pack_g2(values.data(), w.rows, w.cols);
}

std::vector<int8_t> int8_padded(const int8_t* w, size_t rows, size_t cols) {
  const size_t cp = cols_padded(cols);
  std::vector<int8_t> out(rows * cp, 0);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      const int8_t v = w[r * cols + c];
      TRIT_CHECK(v >= -1 && v <= 1, "int8_padded: weight (", r, ", ", c, ") is ", int(v), ", not -1, 0 or 1");
      out[r * cp + c] = v;
    }
  }
  return out;
}

std::vector<int32_t> gemv_reference_i32(const uint8_t* codes, size_t rows, size_t cols, const int8_t* xq,
                                        size_t n_tokens, size_t x_stride, const int32_t* xsum) {
  const size_t rb = row_bytes(cols), n_groups = rb / kGroupBytes;
  TRIT_CHECK(x_stride >= cols_padded(cols), "gemv_reference: activation stride ", x_stride, " < padded cols ",
             cols_padded(cols));
  std::vector<int32_t> dots(n_tokens * rows);
  for (size_t t = 0; t < n_tokens; ++t) {
    const int8_t* x = xq + t * x_stride;
    for (size_t r = 0; r < rows; ++r) {
      int32_t acc = 0;
      for (size_t g = 0; g < n_groups; ++g) {
        const uint8_t* group = codes + r * rb + g * kGroupBytes;
        for (size_t k = 0; k < 8; ++k) {      // lane within the group
          for (size_t j = 0; j < 4; ++j) {    // 32-bit word of the lane's 16 bytes
            uint32_t word;
            std::memcpy(&word, group + 16 * k + 4 * j, 4);
            for (unsigned n = 0; n < 4; ++n) {
              uint32_t xw;
              std::memcpy(&xw, x + g * kGroupCols + n * kSubCols + 16 * k + 4 * j, 4);
              acc = dp4a_reference(plane_codes(word, n), xw, acc);
            }
          }
        }
      }
      dots[t * rows + r] = acc - xsum[t];
    }
  }
  return dots;
}

void gemv_reference(const uint8_t* codes, size_t rows, size_t cols, float sw, const int8_t* xq, size_t n_tokens,
                    size_t x_stride, const float* sx, const int32_t* xsum, float* y, size_t y_stride) {
  const std::vector<int32_t> dots = gemv_reference_i32(codes, rows, cols, xq, n_tokens, x_stride, xsum);
  for (size_t t = 0; t < n_tokens; ++t) {
    for (size_t r = 0; r < rows; ++r) y[t * y_stride + r] = float(dots[t * rows + r]) / (sx[t] * sw);
  }
}

}  // namespace trit::runtime::gpu

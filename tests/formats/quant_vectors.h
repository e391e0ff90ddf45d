#pragma once
// Reader for the quant test vectors tests/data/formats/quant_<family>.bin written by
// tests/reference/make_quant_vectors.py (format documented there), and the exact-match checks
// the quant codec tests share.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "trit/core/error.h"
#include "trit/formats/quant_type.h"

namespace trit::test {

struct QuantVector {
  std::string name;
  QuantType type{};
  int64_t n_rows = 0;
  int64_t n_cols = 0;
  bool has_input = false;
  std::vector<float> input;          // n_rows * n_cols, when has_input
  std::vector<uint8_t> bytes;        // n_rows * row_size
  std::vector<float> dequantized;    // gguf's dequantization of bytes

  std::string label() const { return str_cat(quant_name(type), "/", name); }
};

inline std::vector<QuantVector> load_quant_vectors(const std::string& family) {
  const std::string path = std::string(TRIT_TEST_DATA_DIR) + "/data/formats/quant_" + family + ".bin";
  std::ifstream in(path, std::ios::binary);
  TRIT_CHECK(in, "cannot open test vectors ", path);
  const std::vector<uint8_t> blob((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t pos = 0;
  auto take = [&](void* dst, size_t n) {
    TRIT_CHECK(pos + n <= blob.size(), path, ": truncated at byte ", pos);
    std::memcpy(dst, blob.data() + pos, n);
    pos += n;
  };
  char magic[4];
  take(magic, 4);
  TRIT_CHECK(std::memcmp(magic, "TQV1", 4) == 0, path, ": bad magic");
  uint32_t n_cases = 0;
  take(&n_cases, 4);
  std::vector<QuantVector> out(n_cases);
  for (QuantVector& v : out) {
    uint8_t name_len = 0;
    take(&name_len, 1);
    v.name.resize(name_len);
    take(v.name.data(), name_len);
    int32_t id = 0;
    uint32_t rows = 0, cols = 0;
    uint8_t has_input = 0;
    take(&id, 4);
    take(&rows, 4);
    take(&cols, 4);
    take(&has_input, 1);
    v.type = quant_type_from_ggml(id);
    v.n_rows = rows;
    v.n_cols = cols;
    v.has_input = has_input != 0;
    const size_t n = size_t(rows) * cols;
    if (v.has_input) {
      v.input.resize(n);
      take(v.input.data(), n * 4);
    }
    v.bytes.resize(rows * row_size(v.type, cols));
    take(v.bytes.data(), v.bytes.size());
    v.dequantized.resize(n);
    take(v.dequantized.data(), n * 4);
  }
  TRIT_CHECK(pos == blob.size(), path, ": ", blob.size() - pos, " trailing bytes");
  return out;
}

inline std::vector<QuantVector> load_quant_vectors(const std::string& family, QuantType only) {
  std::vector<QuantVector> out;
  for (QuantVector& v : load_quant_vectors(family))
    if (v.type == only) out.push_back(std::move(v));
  return out;
}

// First differing byte index, or -1.
inline int64_t first_byte_mismatch(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size()) return 0;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return int64_t(i);
  return -1;
}

// First index whose float bits differ (any NaN matches any NaN: NaN payloads made by
// arithmetic are the CPU's business, not the codec's), or -1.
inline int64_t first_float_mismatch(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    if (std::bit_cast<uint32_t>(a[i]) != std::bit_cast<uint32_t>(b[i])) return int64_t(i);
  }
  return -1;
}

// Quantizing the vector's input gives gguf's bytes exactly, and dequantizing gguf's bytes
// gives gguf's floats exactly.
inline void check_quant_vector(const QuantVector& v) {
  INFO(v.label() << " (" << v.n_rows << " x " << v.n_cols << ")");
  if (v.has_input) {
    std::vector<uint8_t> bytes(v.bytes.size());
    quantize_rows(v.type, v.input.data(), v.n_rows, v.n_cols, bytes.data());
    const int64_t at = first_byte_mismatch(bytes, v.bytes);
    INFO("first differing byte " << at << (at >= 0 ? str_cat(": ours ", int(bytes[at]), ", expected ", int(v.bytes[at])) : ""));
    CHECK(at == -1);
  }
  std::vector<float> values(v.dequantized.size());
  dequantize_rows(v.type, v.bytes.data(), v.n_rows, v.n_cols, values.data());
  const int64_t at = first_float_mismatch(values, v.dequantized);
  INFO("first differing value " << at << (at >= 0 ? str_cat(": ours ", values[at], ", expected ", v.dequantized[at]) : ""));
  CHECK(at == -1);
}

}  // namespace trit::test

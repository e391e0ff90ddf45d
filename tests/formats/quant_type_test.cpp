#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "trit/core/error.h"
#include "trit/formats/quant_type.h"

using namespace trit;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::vector<float> normal_rows(int64_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> x(static_cast<size_t>(n));
  for (float& v : x) v = normal(gen);
  return x;
}

}  // namespace

TEST_CASE("quant types: ids, names and sizes are GGUF's") {
  struct Expect {
    QuantType t;
    int32_t id;
    const char* name;
    int64_t block;
    size_t bytes;
  };
  // ggml/include/ggml.h type ids; ggml.c type traits (blck_size, type_size).
  const Expect table[] = {
      {QuantType::F32, 0, "f32", 1, 4},         {QuantType::F16, 1, "f16", 1, 2},
      {QuantType::BF16, 30, "bf16", 1, 2},      {QuantType::Q8_0, 8, "q8_0", 32, 34},
      {QuantType::Q4_0, 2, "q4_0", 32, 18},     {QuantType::Q4_K, 12, "q4_k", 256, 144},
      {QuantType::TQ1_0, 34, "tq1_0", 256, 54}, {QuantType::TQ2_0, 35, "tq2_0", 256, 66},
  };
  CHECK(std::size(kAllQuantTypes) == std::size(table));
  for (const Expect& e : table) {
    INFO(e.name);
    CHECK(ggml_type_id(e.t) == e.id);
    CHECK(quant_name(e.t) == e.name);
    CHECK(quant_block_size(e.t) == e.block);
    CHECK(quant_type_size(e.t) == e.bytes);
    CHECK(quant_type_from_ggml(e.id) == e.t);
    CHECK(parse_quant_type(e.name) == e.t);
  }
  CHECK_FALSE(quant_requires_finite(QuantType::F16));
  CHECK(quant_requires_finite(QuantType::TQ2_0));
}

TEST_CASE("parse_quant_type ignores case and lists the valid names on error") {
  CHECK(parse_quant_type("Q4_K") == QuantType::Q4_K);
  CHECK(parse_quant_type("TQ2_0") == QuantType::TQ2_0);
  CHECK(parse_quant_type("bF16") == QuantType::BF16);
  const std::string msg = error_of([] { parse_quant_type("q4_1"); });
  CHECK(contains(msg, "'q4_1'"));
  CHECK(contains(msg, "tq1_0"));
  CHECK(contains(msg, "q4_k"));
}

TEST_CASE("quant_type_from_ggml rejects ids trit does not read") {
  for (int32_t id : {3, 10, 14, 36, 39, -1, 1000}) {
    const std::string msg = error_of([id] { quant_type_from_ggml(id); });
    INFO(msg);
    CHECK(contains(msg, "ggml type id " + std::to_string(id)));
    CHECK(contains(msg, "tq2_0=35"));
  }
}

TEST_CASE("row_size checks the row length against the block size") {
  CHECK(row_size(QuantType::Q4_K, 512) == 288);
  CHECK(row_size(QuantType::TQ1_0, 2560) == 540);
  CHECK(row_size(QuantType::Q8_0, 96) == 102);
  CHECK(row_size(QuantType::F16, 7) == 14);
  CHECK(row_size(QuantType::Q4_0, 0) == 0);
  const std::string msg = error_of([] { row_size(QuantType::Q4_K, 1376); });
  CHECK(contains(msg, "1376"));
  CHECK(contains(msg, "q4_k"));
  CHECK(contains(msg, "256"));
  CHECK(contains(error_of([] { row_size(QuantType::F32, -4); }), "-4"));
}

TEST_CASE("quantize_rows and dequantize_rows reject a bad row length") {
  std::vector<float> x(100, 1.0f);
  std::vector<uint8_t> y(1000);
  const std::string msg = error_of([&] { quantize_rows(QuantType::Q8_0, x.data(), 1, 100, y.data()); });
  CHECK(contains(msg, "q8_0"));
  CHECK(contains(msg, "100"));
  CHECK(contains(error_of([&] { dequantize_rows(QuantType::TQ2_0, y.data(), 1, 100, x.data()); }), "tq2_0"));
  CHECK(contains(error_of([&] { quantize_rows(QuantType::Q8_0, x.data(), -1, 32, y.data()); }), "n_rows"));
}

TEST_CASE("block types reject NaN and inf, naming the first bad row") {
  const int64_t n_rows = 9;
  const int64_t n_cols = 512;
  for (QuantType t : {QuantType::Q8_0, QuantType::Q4_0, QuantType::Q4_K, QuantType::TQ1_0, QuantType::TQ2_0}) {
    for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                      -std::numeric_limits<float>::infinity()}) {
      INFO(quant_name(t) << " with " << bad);
      std::vector<float> x = normal_rows(n_rows * n_cols, 3);
      x[size_t(7 * n_cols + 3)] = bad;    // row 7
      x[size_t(4 * n_cols + 300)] = bad;  // row 4, column 300: the one reported
      std::vector<uint8_t> y(size_t(n_rows) * row_size(t, n_cols));
      const std::string msg = error_of([&] { quantize_rows(t, x.data(), n_rows, n_cols, y.data(), 3); });
      INFO(msg);
      CHECK(contains(msg, "row 4 "));
      CHECK(contains(msg, "column 300"));
      CHECK(contains(msg, std::string(quant_name(t))));
    }
  }
}

TEST_CASE("float types carry NaN and inf through") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x = {nan, inf, -inf, 1.5f};
  for (QuantType t : {QuantType::F32, QuantType::F16, QuantType::BF16}) {
    INFO(quant_name(t));
    std::vector<uint8_t> y(row_size(t, 4));
    std::vector<float> back(4);
    quantize_rows(t, x.data(), 1, 4, y.data());
    dequantize_rows(t, y.data(), 1, 4, back.data());
    CHECK(std::isnan(back[0]));
    CHECK(back[1] == inf);
    CHECK(back[2] == -inf);
    CHECK(back[3] == 1.5f);
  }
}

TEST_CASE("output does not depend on the number of threads") {
  const int64_t n_rows = 37;
  const int64_t n_cols = 512;
  const std::vector<float> x = normal_rows(n_rows * n_cols, 11, 0.05f);
  for (QuantType t : kAllQuantTypes) {
    INFO(quant_name(t));
    const size_t n_bytes = size_t(n_rows) * row_size(t, n_cols);
    std::vector<uint8_t> one(n_bytes), many(n_bytes);
    quantize_rows(t, x.data(), n_rows, n_cols, one.data(), 1);
    std::vector<float> back_one(x.size()), back_many(x.size());
    dequantize_rows(t, one.data(), n_rows, n_cols, back_one.data(), 1);
    for (int threads : {2, 3, 8}) {
      quantize_rows(t, x.data(), n_rows, n_cols, many.data(), threads);
      CHECK(many == one);
      dequantize_rows(t, many.data(), n_rows, n_cols, back_many.data(), threads);
      CHECK(std::memcmp(back_many.data(), back_one.data(), x.size() * sizeof(float)) == 0);
    }
    // Row r alone gives the same bytes as row r within the batch.
    std::vector<uint8_t> row(row_size(t, n_cols));
    quantize_rows(t, x.data() + 20 * n_cols, 1, n_cols, row.data());
    CHECK(std::equal(row.begin(), row.end(), one.begin() + 20 * std::ptrdiff_t(row.size())));
  }
}

TEST_CASE("round-trip error on normal data fits each type's precision") {
  const int64_t n = 16 * 256;
  const std::vector<float> x = normal_rows(n, 5);
  // Upper bounds a little above llama.cpp's errors on N(0, 1) rows; lower bounds show the code
  // actually quantizes.
  const struct {
    QuantType t;
    double lo, hi;
  } bounds[] = {
      {QuantType::F32, 0.0, 0.0},      {QuantType::F16, 1e-4, 3e-4},   {QuantType::BF16, 1e-3, 2.5e-3},
      {QuantType::Q8_0, 3e-3, 7e-3},   {QuantType::Q4_0, 0.06, 0.1},   {QuantType::Q4_K, 0.05, 0.085},
      {QuantType::TQ1_0, 0.7, 0.85},   {QuantType::TQ2_0, 0.7, 0.85},
  };
  for (const auto& b : bounds) {
    INFO(quant_name(b.t));
    std::vector<uint8_t> y(row_size(b.t, n));
    std::vector<float> back(static_cast<size_t>(n));
    quantize_rows(b.t, x.data(), 1, n, y.data());
    dequantize_rows(b.t, y.data(), 1, n, back.data());
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += double(x[size_t(i)] - back[size_t(i)]) * double(x[size_t(i)] - back[size_t(i)]);
    const double rmse = std::sqrt(s / double(n));
    CHECK(rmse >= b.lo);
    CHECK(rmse <= b.hi);
  }
}

#include <catch2/catch.hpp>

#include <vector>

#include "formats/quant_vectors.h"

using namespace trit;

TEST_CASE("q8_0 matches gguf's reference vectors byte for byte") {
  const auto vectors = test::load_quant_vectors("q8_0");
  REQUIRE(vectors.size() >= 5);
  for (const auto& v : vectors) test::check_quant_vector(v);
}

TEST_CASE("q8_0: roundf ties go away from zero") {
  // amax = 127 gives d = 1 (f16 0x3c00) and id = 1, so x * id is x exactly.
  std::vector<float> x(32, 0.0f);
  x[0] = 127.0f;
  x[1] = 2.5f;   // -> 3 (round half even would give 2)
  x[2] = -2.5f;  // -> -3
  x[3] = 0.5f;   // -> 1
  x[4] = -0.49999997f;  // -> 0
  std::vector<uint8_t> y(34);
  quantize_rows(QuantType::Q8_0, x.data(), 1, 32, y.data());
  CHECK(int(y[0]) == 0x00);
  CHECK(int(y[1]) == 0x3c);
  CHECK(int8_t(y[2]) == 127);
  CHECK(int8_t(y[3]) == 3);
  CHECK(int8_t(y[4]) == -3);
  CHECK(int8_t(y[5]) == 1);
  CHECK(int8_t(y[6]) == 0);
}

TEST_CASE("q8_0: the scale is amax / 127 rounded to f16 after it was used in float") {
  // amax = 1: d = 1/127 = 0.007874016 in float, f16 0x2008 (0.0078735...). The quants use the
  // float d: 0.5 * 127 = 63.5 -> 64.
  std::vector<float> x(32, 0.0f);
  x[0] = 1.0f;
  x[1] = 0.5f;
  std::vector<uint8_t> y(34);
  quantize_rows(QuantType::Q8_0, x.data(), 1, 32, y.data());
  CHECK(int(y[0] | (y[1] << 8)) == 0x2008);
  CHECK(int8_t(y[3]) == 64);
}

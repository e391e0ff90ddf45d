#include <catch2/catch.hpp>

#include <vector>

#include "formats/quant_vectors.h"

using namespace trit;

TEST_CASE("q4_0 matches gguf's reference vectors byte for byte") {
  const auto vectors = test::load_quant_vectors("q4_0");
  REQUIRE(vectors.size() >= 5);
  for (const auto& v : vectors) test::check_quant_vector(v);
}

TEST_CASE("q4_0: the signed extreme maps to -8 d, the opposite sign is clipped to +7 d") {
  // max = +8 (the first of the two magnitudes 8) -> d = 8 / -8 = -1 (f16 0xbc00), id = -1.
  // x = 8: 8 * -1 + 8.5 = 0.5 -> q 0 -> (0 - 8) * -1 = 8.
  // x = -8: 8 + 8.5 = 16.5 -> 16 -> min(15, 16) = 15 -> (15 - 8) * -1 = -7.
  // x = 0.5: -0.5 + 8.5 = 8 -> q 8 -> 0; x = -0.5: 9 -> -1 (ties after +8.5 truncate upward).
  std::vector<float> x(32, 0.0f);
  x[0] = 8.0f;
  x[1] = -8.0f;
  x[2] = 0.5f;
  x[3] = -0.5f;
  x[16] = 3.0f;  // high nibble of byte 0: -3 + 8.5 = 5.5 -> 5 -> (5 - 8) * -1 = 3
  std::vector<uint8_t> y(18);
  quantize_rows(QuantType::Q4_0, x.data(), 1, 32, y.data());
  CHECK(int(y[0] | (y[1] << 8)) == 0xbc00);
  CHECK(int(y[2]) == (0 | 5 << 4));
  CHECK(int(y[3]) == (15 | 8 << 4));
  CHECK(int(y[4]) == (8 | 8 << 4));
  CHECK(int(y[5]) == (9 | 8 << 4));
  std::vector<float> back(32);
  dequantize_rows(QuantType::Q4_0, y.data(), 1, 32, back.data());
  CHECK(back[0] == 8.0f);
  CHECK(back[1] == -7.0f);
  CHECK(back[2] == 0.0f);
  CHECK(back[3] == -1.0f);
  CHECK(back[16] == 3.0f);
}

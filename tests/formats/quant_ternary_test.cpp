#include <catch2/catch.hpp>

#include "formats/quant_vectors.h"

using namespace trit;

TEST_CASE("ternary codecs match gguf's reference vectors byte for byte") {
  const auto vectors = test::load_quant_vectors("ternary");
  REQUIRE(!vectors.empty());
  for (const auto& v : vectors) test::check_quant_vector(v);
}

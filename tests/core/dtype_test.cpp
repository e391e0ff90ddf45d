#include <catch2/catch.hpp>

#include "trit/core/dtype.h"
#include "trit/core/error.h"

using namespace trit;

TEST_CASE("dtype names and sizes derive from one list") {
  CHECK(dtype_name(DType::bf16) == "bf16");
  CHECK(dtype_size(DType::f64) == 8);
  CHECK(dtype_size(DType::i8) == 1);
  CHECK(is_floating(DType::f16));
  CHECK_FALSE(is_floating(DType::i32));
  CHECK(parse_dtype("i32") == DType::i32);
  CHECK(dtype_v<float> == DType::f32);
}

TEST_CASE("parse_dtype names the valid choices on error") {
  try {
    parse_dtype("f128");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("f128") != std::string::npos);
    CHECK(std::string(e.what()).find("bf16") != std::string::npos);
  }
}

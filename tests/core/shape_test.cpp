#include <catch2/catch.hpp>

#include "trit/core/error.h"
#include "trit/core/shape.h"

using namespace trit;

TEST_CASE("broadcasting follows numpy and names both shapes on error") {
  CHECK(broadcast_shapes({3, 1, 4}, {2, 1}, "t") == Shape{3, 2, 4});
  CHECK(broadcast_shapes({}, {5}, "t") == Shape{5});
  CHECK_THROWS_WITH(broadcast_shapes({3}, {4}, "add"), Catch::Contains("add: shapes [3] and [4]"));
  CHECK(wrap_dim(-1, 3, "t") == 2);
  CHECK_THROWS_AS(wrap_dim(3, 3, "t"), Error);
  CHECK(contiguous_strides({2, 3, 4}) == Strides{12, 4, 1});
}

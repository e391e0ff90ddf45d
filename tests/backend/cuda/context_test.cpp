#include "trit/backend/cuda/context.h"

#include <catch2/catch.hpp>

#include "support/cuda.h"

TEST_CASE("cuda context: one stream per device, reused, and a sync that succeeds") {
  TRIT_REQUIRE_GPU();
  auto& a = trit::cuda::context(0);
  auto& b = trit::cuda::context(0);
  CHECK(&a == &b);
  CHECK(a.stream != nullptr);
  CHECK(a.props.major >= 7);
  CHECK_NOTHROW(trit::cuda::synchronize(0));
}

TEST_CASE("cuda context: a device that does not exist is an error naming it") {
  TRIT_REQUIRE_GPU();
  CHECK_THROWS_WITH(trit::cuda::context(1000), Catch::Contains("cuda:1000"));
}

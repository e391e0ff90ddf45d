#include "trit/core/accelerator.h"

#include <catch2/catch.hpp>

#include "trit/core/error.h"

using namespace trit;

TEST_CASE("accelerator: the probe agrees with itself and explains a missing device") {
  const bool ok = cuda_available();
  CHECK(ok == (cuda_device_count() > 0));
  if (ok) {
    CHECK(cuda_unavailable_reason().empty());
    CHECK_NOTHROW(require_cuda("test"));
  } else {
    CHECK_FALSE(cuda_unavailable_reason().empty());
    CHECK_THROWS_WITH(require_cuda("run.device=cuda"), Catch::Contains("run.device=cuda: ") &&
                                                           Catch::Contains(cuda_unavailable_reason()));
  }
}

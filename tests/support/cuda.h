#pragma once
// CUDA tests call TRIT_REQUIRE_GPU() first: without a usable device the test process exits with
// 77, which ctest reports as skipped (SKIP_RETURN_CODE), never as passed.
#include <cstdio>
#include <cstdlib>

#include "trit/core/accelerator.h"

#define TRIT_REQUIRE_GPU()                                                               \
  do {                                                                                   \
    if (!::trit::cuda_available()) {                                                     \
      std::printf("skipped: %s\n", ::trit::cuda_unavailable_reason().c_str());           \
      std::exit(77);                                                                     \
    }                                                                                    \
  } while (0)

// CUDA RMSNorm against the CPU: with and without weight, rows shorter and longer than a
// block, many rows (the dw column sums over row chunks).
#include "trit/backend/cuda/norm.h"

#include <catch2/catch.hpp>

#include "support/cuda.h"
#include "support/device_compare.h"

using namespace trit;
using In = std::vector<Tensor>;
using test::compare_with_cpu;
using test::random_f32;

TEST_CASE("cuda rms_norm forward and backward (x and weight)") {
  TRIT_REQUIRE_GPU();
  compare_with_cpu([](const In& a) { return rms_norm(a[0], a[1]); }, {random_f32({3, 5, 77}, 41), random_f32({77}, 42)});
  compare_with_cpu([](const In& a) { return rms_norm(a[0], a[1], 1e-6); },
                   {random_f32({1000, 769}, 43), random_f32({769}, 44)});
  compare_with_cpu([](const In& a) { return rms_norm(a[0], Tensor()); }, {random_f32({4, 2048}, 45)});
  compare_with_cpu([](const In& a) { return rms_norm(a[0].transpose(0, 1), a[1]); },
                   {random_f32({96, 31}, 46), random_f32({96}, 47)});
}

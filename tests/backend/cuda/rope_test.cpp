// CUDA RoPE against the CPU, forward and backward (the inverse rotation), with an offset.
#include "trit/backend/cuda/rope.h"

#include <catch2/catch.hpp>

#include "support/cuda.h"
#include "support/device_compare.h"

using namespace trit;
using In = std::vector<Tensor>;
using test::compare_with_cpu;
using test::random_f32;

TEST_CASE("cuda rope forward and backward, odd sizes, position offset, strided input") {
  TRIT_REQUIRE_GPU();
  compare_with_cpu([](const In& a) { return rope(a[0]); }, {random_f32({2, 3, 37, 18}, 51)});
  compare_with_cpu([](const In& a) { return rope(a[0], 1000, 500000.0); }, {random_f32({1, 5, 9, 128}, 52)});
  compare_with_cpu([](const In& a) { return rope(a[0].transpose(1, 2), 7); }, {random_f32({2, 11, 4, 64}, 53)});
}

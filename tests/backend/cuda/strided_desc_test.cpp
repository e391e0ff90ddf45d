// The host side of the CUDA kernels' strided walks: dim merging, broadcast strides and the dim
// limit. Runs without a GPU.
#include "trit/backend/cuda/strided_desc.h"

#include <catch2/catch.hpp>

using namespace trit;
using trit::cuda::broadcast_strides;
using trit::cuda::make_strided_desc;

TEST_CASE("strided desc: contiguous operands merge into one dim") {
  const Shape shape{4, 5, 6};
  const Strides s{30, 6, 1};
  const auto d = make_strided_desc<2>(shape, {&s, &s}, "test");
  CHECK(d.ndim == 1);
  CHECK(d.shape[0] == 120);
  CHECK(d.strides[0][0] == 1);
  CHECK(d.strides[1][0] == 1);
}

TEST_CASE("strided desc: a transposed operand keeps its dims, size-1 dims drop out") {
  const Shape shape{3, 1, 4};
  const Strides out{4, 4, 1}, tr{1, 3, 3};  // [4, 3] transposed and viewed as [3, 1, 4]
  const auto d = make_strided_desc<2>(shape, {&tr, &out}, "test");
  REQUIRE(d.ndim == 2);
  CHECK(d.shape[0] == 3);
  CHECK(d.shape[1] == 4);
  CHECK(d.strides[0][0] == 1);
  CHECK(d.strides[0][1] == 3);
  CHECK(d.strides[1][0] == 4);
  CHECK(d.strides[1][1] == 1);
}

TEST_CASE("strided desc: broadcast strides are 0 along broadcast dims, lead dims added") {
  CHECK(broadcast_strides({5, 1}, {1, 1}, {3, 5, 7}) == Strides{0, 1, 0});
  CHECK(broadcast_strides({7}, {2}, {3, 5, 7}) == Strides{0, 0, 2});
  CHECK_THROWS_WITH(broadcast_strides({4}, {1}, {3, 5}), Catch::Contains("cannot broadcast"));
  // An operand broadcast along the leading dims walks [35 elements] with stride 0 then 1.
  const Shape shape{5, 7};
  const Strides a = broadcast_strides({7}, {1}, shape), c{7, 1};
  const auto d = make_strided_desc<2>(shape, {&a, &c}, "test");
  REQUIRE(d.ndim == 2);
  CHECK(d.strides[0][0] == 0);
  CHECK(d.strides[0][1] == 1);
}

TEST_CASE("strided desc: more dims than kernels take is an error naming the op") {
  Shape shape;
  Strides s;
  int64_t stride = 1;
  for (int i = 0; i < 10; ++i) {  // every dim strided by twice the extent: nothing merges
    shape.insert(shape.begin(), 2);
    s.insert(s.begin(), stride);
    stride *= 4;
  }
  CHECK_THROWS_WITH(make_strided_desc<1>(shape, {&s}, "myop"), Catch::Contains("myop") && Catch::Contains("8"));
  shape.resize(8);
  s.resize(8);
  CHECK_NOTHROW(make_strided_desc<1>(shape, {&s}, "myop"));
}

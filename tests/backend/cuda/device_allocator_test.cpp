// The caching allocator behind CUDA tensors: tensors reuse cached blocks, statistics follow
// them, and empty_cache returns free segments to the driver.
#include "trit/backend/cuda/device_allocator.h"

#include <catch2/catch.hpp>

#include "support/cuda.h"
#include "trit/backend/cuda/context.h"
#include "trit/core/tensor.h"

using namespace trit;

TEST_CASE("cuda allocator: a freed tensor's block serves the next tensor of its bin") {
  TRIT_REQUIRE_GPU();
  const Device gpu = Device::cuda(0);
  void* first = nullptr;
  {
    Tensor a = Tensor::empty({1000}, DType::f32, gpu);
    first = a.storage()->data();
  }
  const auto before = cuda::memory_stats(0);
  Tensor b = Tensor::empty({1001}, DType::f32, gpu);  // 4004 bytes: the same 4096-byte bin
  CHECK(b.storage()->data() == first);
  CHECK(cuda::memory_stats(0).n_backing_allocs == before.n_backing_allocs);
  CHECK(cuda::memory_stats(0).allocated_bytes == before.allocated_bytes + 4096);
}

TEST_CASE("cuda allocator: statistics and empty_cache") {
  TRIT_REQUIRE_GPU();
  const Device gpu = Device::cuda(0);
  cuda::empty_cache(0);
  const auto base = cuda::memory_stats(0);
  {
    Tensor big = Tensor::zeros({int64_t(64) << 20}, DType::u8, gpu);  // 64 MiB
    CHECK(cuda::memory_stats(0).allocated_bytes == base.allocated_bytes + (size_t(64) << 20));
    CHECK(cuda::memory_stats(0).peak_allocated_bytes >= base.allocated_bytes + (size_t(64) << 20));
  }
  CHECK(cuda::memory_stats(0).cached_bytes() >= (size_t(64) << 20));
  cuda::empty_cache(0);
  CHECK(cuda::memory_stats(0).reserved_bytes <= base.reserved_bytes);
}

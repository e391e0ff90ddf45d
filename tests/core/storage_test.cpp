#include <catch2/catch.hpp>

#include "trit/core/accelerator.h"
#include "trit/core/storage.h"

using namespace trit;

TEST_CASE("storage is 64-byte aligned and versioned") {
  for (size_t n : {size_t(1), size_t(3), size_t(64), size_t(1000)}) {
    Storage s(n, Device::cpu());
    CHECK(reinterpret_cast<uintptr_t>(s.data()) % 64 == 0);
    CHECK(s.nbytes() == n);
  }
  Storage s(8, Device::cpu());
  CHECK(s.version() == 0);
  s.bump_version();
  CHECK(s.version() == 1);
  CHECK(parse_device("cuda:1") == Device::cuda(1));
  CHECK_THROWS(parse_device("tpu"));
}

TEST_CASE("ops given tensors on two devices name both devices") {
  CHECK_NOTHROW(check_same_device("add", {Device::cpu(), Device::cpu()}));
  CHECK_NOTHROW(check_same_device("add", {}));
  CHECK_THROWS_WITH(check_same_device("add", {Device::cpu(), Device::cuda(0)}),
                    Catch::Contains("add: tensors on cpu and cuda:0"));
  CHECK_THROWS_WITH(check_same_device("matmul", {Device::cuda(0), Device::cuda(0), Device::cuda(1)}),
                    Catch::Contains("cuda:0 and cuda:1"));
}

TEST_CASE("a CUDA tensor without a usable GPU fails with one clear message") {
  if (cuda_available()) return;  // the GPU tests cover the working path
  CHECK_THROWS_WITH(Storage(16, Device::cuda(0)), Catch::Contains("cuda") || Catch::Contains("CUDA"));
}

#include <catch2/catch.hpp>

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

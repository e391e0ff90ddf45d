#include "trit/telemetry/crc32c.h"

#include <catch2/catch.hpp>
#include <string>

using namespace trit::telemetry;

TEST_CASE("crc32c matches the published check values") {
  CHECK(crc32c("123456789") == 0xE3069283u);
  CHECK(crc32c("") == 0u);
  // RFC 3720 (iSCSI) B.4 test patterns.
  CHECK(crc32c(std::string(32, '\0')) == 0x8A9136AAu);
  CHECK(crc32c(std::string(32, '\xff')) == 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending += static_cast<char>(i);
  CHECK(crc32c(ascending) == 0x46DD794Eu);
}

TEST_CASE("crc32c hardware and table paths agree, and extend composes") {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>((i * 131 + 7) & 0xff);
  for (size_t n : {size_t(0), size_t(1), size_t(7), size_t(8), size_t(9), size_t(63), size_t(1000)}) {
    CHECK(crc32c_extend(0, data.data(), n) == crc32c_extend_portable(0, data.data(), n));
  }
  uint32_t whole = crc32c(data);
  uint32_t split = crc32c_extend(crc32c_extend(0, data.data(), 333), data.data() + 333, 667);
  CHECK(split == whole);
}

TEST_CASE("crc32c mask is the TFRecord rotation plus constant, and unmask inverts it") {
  CHECK(crc32c_mask(0) == 0xa282ead8u);
  CHECK(crc32c_mask(1) == (0x00020000u + 0xa282ead8u));
  CHECK(crc32c_mask(0x8000u) == (0x1u + 0xa282ead8u));
  for (uint32_t c : {0u, 1u, 0xE3069283u, 0xffffffffu, 0x12345678u}) CHECK(crc32c_unmask(crc32c_mask(c)) == c);
}

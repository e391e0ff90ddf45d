#include "trit/telemetry/tfrecord.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "support/temp_dir.h"
#include "trit/core/error.h"
#include "trit/telemetry/crc32c.h"

using namespace trit;
using namespace trit::telemetry;

TEST_CASE("tfrecord frame layout: length, masked length CRC, data, masked data CRC") {
  std::string framed = frame_tfrecord("abc");
  REQUIRE(framed.size() == 3 + 16);
  CHECK(framed.substr(0, 8) == std::string("\x03\0\0\0\0\0\0\0", 8));
  auto u32_at = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(static_cast<unsigned char>(framed[at + i])) << (8 * i);
    return v;
  };
  CHECK(u32_at(8) == crc32c_mask(crc32c(framed.substr(0, 8))));
  CHECK(framed.substr(12, 3) == "abc");
  CHECK(u32_at(15) == crc32c_mask(crc32c("abc")));
}

TEST_CASE("tfrecord round trip through a file") {
  test::TempDir dir("tfrecord_rt");
  std::vector<std::string> payloads = {"", "x", std::string(1000, '\7'), std::string("a\0b", 3)};
  {
    std::ofstream out(dir.path() / "r.tfrecord", std::ios::binary);
    for (const auto& p : payloads) out << frame_tfrecord(p);
  }
  CHECK(read_tfrecords(dir.path() / "r.tfrecord") == payloads);
}

TEST_CASE("tfrecord reader names the record and offset of damage") {
  std::string bytes = frame_tfrecord("first") + frame_tfrecord("second");
  size_t second_at = 5 + 16;

  SECTION("flipped data byte") {
    bytes[second_at + 12] ^= 1;
    CHECK_THROWS_WITH(parse_tfrecords(bytes, "f.tfevents"),
                      Catch::Contains("f.tfevents: record 1 at byte 21: data CRC mismatch"));
  }
  SECTION("flipped length byte") {
    bytes[second_at] ^= 4;
    CHECK_THROWS_WITH(parse_tfrecords(bytes, "f"), Catch::Contains("length CRC mismatch"));
  }
  SECTION("truncated data") {
    CHECK_THROWS_WITH(parse_tfrecords(bytes.substr(0, bytes.size() - 1), "f"),
                      Catch::Contains("record 1 at byte 21 is truncated"));
  }
  SECTION("truncated header") {
    CHECK_THROWS_WITH(parse_tfrecords(bytes.substr(0, second_at + 5), "f"),
                      Catch::Contains("a header needs 12"));
  }
  SECTION("hostile length does not overflow") {
    std::string evil = frame_tfrecord("zz");
    for (int i = 0; i < 8; ++i) evil[i] = '\xff';
    uint32_t crc = crc32c_mask(crc32c(evil.substr(0, 8)));
    for (int i = 0; i < 4; ++i) evil[8 + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
    CHECK_THROWS_WITH(parse_tfrecords(evil, "f"), Catch::Contains("truncated"));
  }
}

TEST_CASE("tfrecord reader reports a missing file") {
  CHECK_THROWS_WITH(read_tfrecords("/nonexistent/x.tfevents"), Catch::Contains("/nonexistent/x.tfevents"));
}

TEST_CASE("tfrecord reader: damaged files give trit::Error, never a crash") {
  const std::string good = frame_tfrecord("first record") + frame_tfrecord(std::string(40, 'x'));
  uint32_t state = 99;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bad = good;
    bad[next() % bad.size()] = static_cast<char>(next() >> 24);
    if (trial % 2) bad.resize(next() % bad.size());
    // Every single-byte change is caught by a CRC or a length check.
    if (bad != good.substr(0, bad.size()) || bad.size() != good.size()) {
      bool boundary = bad.size() == 0 || bad.size() == frame_tfrecord("first record").size();
      if (bad == good.substr(0, bad.size()) && boundary) continue;  // a clean cut between records
      CHECK_THROWS_AS(parse_tfrecords(bad, "fuzz"), Error);
    }
  }
}

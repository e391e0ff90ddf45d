#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "trit/core/error.h"
#include "trit/runtime/cpu_features.h"

using namespace trit::runtime;

namespace {
CpuFeatures avx512_machine() {
  CpuFeatures f;
  f.avx2 = f.fma = f.avx512f = f.avx512bw = f.avx512vl = f.avx512vnni = true;
  f.os_ymm = f.os_zmm = true;
  return f;
}
}  // namespace

TEST_CASE("detected level needs every AVX-512 feature for avx512") {
  CpuFeatures f = avx512_machine();
  CHECK(detected_cpu_level(f) == CpuLevel::avx512);
  f.avx512vnni = false;  // e.g. Skylake-X
  CHECK(detected_cpu_level(f) == CpuLevel::avx2);
  f.avx2 = false;
  CHECK(detected_cpu_level(f) == CpuLevel::scalar);
  CHECK(detected_cpu_level(CpuFeatures{}) == CpuLevel::scalar);
}

TEST_CASE("TRIT_CPU override lowers the level and rejects bad values") {
  const CpuFeatures f = avx512_machine();
  CHECK(resolve_cpu_level(nullptr, f) == CpuLevel::avx512);
  CHECK(resolve_cpu_level("", f) == CpuLevel::avx512);
  CHECK(resolve_cpu_level("scalar", f) == CpuLevel::scalar);
  CHECK(resolve_cpu_level("avx2", f) == CpuLevel::avx2);
  CHECK(resolve_cpu_level("avx512", f) == CpuLevel::avx512);
  try {
    resolve_cpu_level("sse9", f);
    FAIL("expected an error");
  } catch (const trit::Error& e) {
    CHECK(std::string(e.what()).find("sse9") != std::string::npos);
    CHECK(std::string(e.what()).find("avx512") != std::string::npos);
  }
  CpuFeatures old = f;
  old.avx512f = false;
  try {
    resolve_cpu_level("avx512", old);
    FAIL("expected an error");
  } catch (const trit::Error& e) {
    CHECK(std::string(e.what()).find("detected avx2") != std::string::npos);
  }
}

TEST_CASE("level names round-trip") {
  for (CpuLevel level : {CpuLevel::scalar, CpuLevel::avx2, CpuLevel::avx512}) {
    CHECK(parse_cpu_level(cpu_level_name(level)) == level);
  }
  CHECK_FALSE(parse_cpu_level("AVX2").has_value());
}

TEST_CASE("this machine: active level follows TRIT_CPU and is supported") {
  const CpuFeatures& f = cpu_features();
  INFO(describe_cpu(f));
  const CpuLevel active = active_cpu_level();
  CHECK(active == resolve_cpu_level(std::getenv("TRIT_CPU"), f));
  CHECK(cpu_level_supported(active));
  CHECK(cpu_level_supported(CpuLevel::scalar));
  // Features the OS does not save are reported off.
  if (!f.os_zmm) CHECK_FALSE(f.avx512f);
  if (!f.os_ymm) CHECK_FALSE(f.avx2);
  CHECK(describe_cpu(f).rfind(std::string(cpu_level_name(detected_cpu_level(f))), 0) == 0);
}

#pragma once
// CPU feature detection for run-time kernel dispatch.
//
// The library is compiled for baseline x86-64; vector kernels carry function-level target
// attributes and are only called when the running CPU (and the OS, via XCR0) supports them.
// Levels, lowest to highest:
//   scalar  portable C++ (the reference every vector kernel is tested against)
//   avx2    AVX2 (256-bit integer ops)
//   avx512  AVX-512 F + BW + VL + VNNI (vpdpbusd on 512-bit registers)
// The environment variable TRIT_CPU=scalar|avx2|avx512 forces a level at most as high as the
// detected one (tests and benchmarks use it to compare levels); a higher or unknown value is
// an error rather than a silent fallback.
#include <optional>
#include <string>
#include <string_view>

namespace trit::runtime {

enum class CpuLevel { scalar = 0, avx2 = 1, avx512 = 2 };

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512vnni = false;
  bool avx_vnni = false;    // VEX-encoded vpdpbusd on 256-bit registers
  bool os_ymm = false;      // XCR0 enables YMM state
  bool os_zmm = false;      // XCR0 enables opmask + ZMM state
};

// Reads cpuid/xgetbv once (cached).
const CpuFeatures& cpu_features();

// Highest level the features allow.
CpuLevel detected_cpu_level(const CpuFeatures& features);

// Level chosen for `override_value` (the TRIT_CPU value, nullptr or empty when unset).
// Throws trit::Error on an unknown name or a level above the detected one.
CpuLevel resolve_cpu_level(const char* override_value, const CpuFeatures& features);

// The level kernels use by default: detected level, lowered by TRIT_CPU (read once, cached).
CpuLevel active_cpu_level();

// True when `level` can run on this machine (tests use it to pick the levels to compare).
bool cpu_level_supported(CpuLevel level);

std::string_view cpu_level_name(CpuLevel level);
std::optional<CpuLevel> parse_cpu_level(std::string_view name);

// One line such as "avx512 (avx2 fma avx512f avx512bw avx512vl avx512vnni avx_vnni)".
std::string describe_cpu(const CpuFeatures& features);

}  // namespace trit::runtime

#include "trit/runtime/cpu_features.h"

#include <cstdint>
#include <cstdlib>

#include "trit/core/error.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define TRIT_X86 1
#endif

namespace trit::runtime {
namespace {

#ifdef TRIT_X86
// XCR0 through xgetbv; only valid when cpuid says OSXSAVE.
uint64_t read_xcr0() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (uint64_t(edx) << 32) | eax;
}

CpuFeatures detect() {
  CpuFeatures f;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return f;
  const unsigned max_leaf = eax;
  __cpuid(1, eax, ebx, ecx, edx);
  const bool osxsave = (ecx >> 27) & 1;
  f.fma = (ecx >> 12) & 1;
  if (osxsave) {
    const uint64_t xcr0 = read_xcr0();
    f.os_ymm = (xcr0 & 0x6) == 0x6;             // SSE + AVX state
    f.os_zmm = f.os_ymm && (xcr0 & 0xe0) == 0xe0;  // opmask, ZMM_Hi256, Hi16_ZMM
  }
  if (max_leaf >= 7) {
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    f.avx2 = (ebx >> 5) & 1;
    f.avx512f = (ebx >> 16) & 1;
    f.avx512bw = (ebx >> 30) & 1;
    f.avx512vl = (ebx >> 31) & 1;
    f.avx512vnni = (ecx >> 11) & 1;
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    f.avx_vnni = (eax >> 4) & 1;
  }
  // A feature the OS does not save registers for is unusable.
  if (!f.os_ymm) f.avx2 = f.fma = f.avx_vnni = false;
  if (!f.os_zmm) f.avx512f = f.avx512bw = f.avx512vl = f.avx512vnni = false;
  return f;
}
#else
CpuFeatures detect() { return {}; }
#endif

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

CpuLevel detected_cpu_level(const CpuFeatures& f) {
  if (f.avx512f && f.avx512bw && f.avx512vl && f.avx512vnni) return CpuLevel::avx512;
  if (f.avx2) return CpuLevel::avx2;
  return CpuLevel::scalar;
}

std::string_view cpu_level_name(CpuLevel level) {
  switch (level) {
    case CpuLevel::scalar: return "scalar";
    case CpuLevel::avx2: return "avx2";
    case CpuLevel::avx512: return "avx512";
  }
  return "unknown";
}

std::optional<CpuLevel> parse_cpu_level(std::string_view name) {
  for (CpuLevel level : {CpuLevel::scalar, CpuLevel::avx2, CpuLevel::avx512}) {
    if (name == cpu_level_name(level)) return level;
  }
  return std::nullopt;
}

CpuLevel resolve_cpu_level(const char* override_value, const CpuFeatures& features) {
  const CpuLevel detected = detected_cpu_level(features);
  if (override_value == nullptr || *override_value == '\0') return detected;
  const auto requested = parse_cpu_level(override_value);
  TRIT_CHECK(requested.has_value(), "TRIT_CPU=", override_value,
             " is not a CPU level; expected scalar, avx2 or avx512");
  TRIT_CHECK(int(*requested) <= int(detected), "TRIT_CPU=", override_value,
             " asks for more than this CPU supports (detected ", cpu_level_name(detected), ")");
  return *requested;
}

CpuLevel active_cpu_level() {
  static const CpuLevel level = resolve_cpu_level(std::getenv("TRIT_CPU"), cpu_features());
  return level;
}

bool cpu_level_supported(CpuLevel level) {
  return int(level) <= int(detected_cpu_level(cpu_features()));
}

std::string describe_cpu(const CpuFeatures& f) {
  std::string flags;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!flags.empty()) flags += ' ';
    flags += name;
  };
  add(f.avx2, "avx2");
  add(f.fma, "fma");
  add(f.avx512f, "avx512f");
  add(f.avx512bw, "avx512bw");
  add(f.avx512vl, "avx512vl");
  add(f.avx512vnni, "avx512vnni");
  add(f.avx_vnni, "avx_vnni");
  return str_cat(cpu_level_name(detected_cpu_level(f)), " (", flags, ")");
}

}  // namespace trit::runtime

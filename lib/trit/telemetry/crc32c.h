#pragma once
// CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final xor
// 0xFFFFFFFF, as iSCSI, ext4 and TFRecord use it. crc32c("123456789") == 0xE3069283.
// Uses the SSE4.2 crc32 instruction when the CPU has it, a byte table otherwise.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace trit::telemetry {

// CRC of `data` continuing from the CRC `crc` of the bytes before it (0 to start).
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t n);
// The table-driven path alone (the reference the hardware path is tested against).
uint32_t crc32c_extend_portable(uint32_t crc, const void* data, size_t n);

inline uint32_t crc32c(std::string_view bytes) {
  return crc32c_extend(0, bytes.data(), bytes.size());
}

// TFRecord stores CRCs masked, because a CRC of data that itself holds CRCs is weak.
constexpr uint32_t crc32c_mask(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}
constexpr uint32_t crc32c_unmask(uint32_t masked) {
  uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

}  // namespace trit::telemetry

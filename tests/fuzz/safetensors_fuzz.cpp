// libFuzzer target: the safetensors parser either accepts the input with every tensor's bytes
// inside it, or throws trit::Error. Built and run by bench/fuzz.sh, not by CMake.
#include <cstddef>
#include <cstdint>
#include <span>

#include "trit/core/error.h"
#include "trit/formats/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const trit::formats::SafetensorsHeader h = trit::formats::parse_safetensors(bytes, "fuzz.safetensors");
    size_t sum = h.metadata.size();
    for (const auto& t : h.tensors) {
      const auto blob = bytes.subspan(size_t(h.data_offset + t.begin), size_t(t.n_bytes()));
      if (!blob.empty()) sum += size_t(blob.front()) + size_t(blob.back());
    }
    volatile size_t sink = sum;
    (void)sink;
  } catch (const trit::Error&) {
  }
  return 0;
}

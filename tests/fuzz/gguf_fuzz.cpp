// libFuzzer target: any byte string given to the GGUF parser either parses into a header whose
// every offset lies inside the input, or throws trit::Error; nothing else (no crash, no
// sanitizer report, no other exception). Built and run by bench/fuzz.sh, not by CMake.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "trit/core/error.h"
#include "trit/formats/gguf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const trit::formats::GgufHeader h = trit::formats::parse_gguf(bytes, "fuzz.gguf");
    // Touch everything the parser promised is valid, so a wrong promise shows up under ASan.
    size_t sum = 0;
    for (const auto& [key, value] : h.metadata.entries()) {
      sum += key.size();
      if (const auto* a = value.get_if<trit::formats::GgufArray>()) sum += a->size();
    }
    for (const auto& t : h.tensors) {
      const auto blob = bytes.subspan(size_t(h.data_offset + t.offset), size_t(t.n_bytes));
      if (!blob.empty()) sum += size_t(blob.front()) + size_t(blob.back());
    }
    volatile size_t sink = sum;
    (void)sink;
  } catch (const trit::Error&) {
    // The expected answer to bad input.
  }
  return 0;
}

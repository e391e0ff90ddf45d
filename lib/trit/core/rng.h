#pragma once
// Deterministic counter-based random numbers (Philox4x32-10, Salmon et al. 2011). Element i of
// a draw is a pure function of (seed, offset + i), so results do not depend on the number of
// threads or on how work is split. A Generator is just (seed, offset): saving and restoring
// those two numbers resumes the stream exactly.
#include <array>
#include <cstdint>

namespace trit {

std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> counter, std::array<uint32_t, 2> key);

class Generator {
 public:
  explicit Generator(uint64_t seed = 0, uint64_t offset = 0) : seed_(seed), offset_(offset) {}
  uint64_t seed() const { return seed_; }
  uint64_t offset() const { return offset_; }
  // Reserves n counters (each yields four 32-bit words) and returns the first.
  uint64_t advance(uint64_t n) {
    const uint64_t first = offset_;
    offset_ += n;
    return first;
  }
  // Four uniform 32-bit words for counter c.
  std::array<uint32_t, 4> words(uint64_t c) const;

 private:
  uint64_t seed_;
  uint64_t offset_;
};


}  // namespace trit

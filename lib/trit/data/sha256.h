#pragma once
// SHA-256 (FIPS 180-4), streaming: update() with pieces, then hex_digest() once.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace trit::data {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  // Lower-case hex of the 32-byte digest. Ends the computation.
  std::string hex_digest();

 private:
  void compress(const uint8_t* block);

  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t n_bytes_ = 0;
};

std::string sha256_hex(std::string_view bytes);

}  // namespace trit::data

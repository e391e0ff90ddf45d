#include <catch2/catch.hpp>

#include "trit/core/rng.h"

using namespace trit;

TEST_CASE("philox4x32-10 matches the Random123 known-answer vectors") {
  // kat_vectors: philox4x32 10 rounds, counter 0, key 0 and counter/key all ones.
  CHECK(philox4x32({0, 0, 0, 0}, {0, 0}) == std::array<uint32_t, 4>{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
        std::array<uint32_t, 4>{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
}

TEST_CASE("generator state is just seed and offset") {
  Generator g(5);
  CHECK(g.advance(3) == 0);
  CHECK(g.offset() == 3);
  Generator h(5, 3);
  CHECK(h.words(7) == g.words(7));
}

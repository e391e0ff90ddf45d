#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "trit/data/sha256.h"

using namespace trit::data;

TEST_CASE("SHA-256 matches the FIPS 180-4 test vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("SHA-256 of pieces equals SHA-256 of the whole, shared corpus checksum") {
  std::ifstream in(std::string(TRIT_SHARED_DIR) + "/datasets/tinyshakespeare.txt", std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  Sha256 h;
  for (size_t pos = 0, step = 1; pos < text.size(); pos += step, step = step * 3 % 1000 + 1)
    h.update(std::string_view(text).substr(pos, step));
  CHECK(h.hex_digest() == "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed");
}

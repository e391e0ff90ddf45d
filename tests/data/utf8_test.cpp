#include <catch2/catch.hpp>

#include "trit/data/utf8.h"

using namespace trit::data;

namespace {

// Offset of the first invalid sequence, or -1; the text is fed one byte at a time too.
int64_t first_error(std::string_view s) {
  Utf8Checker whole;
  bool ok = whole.feed(s) && whole.finish();
  Utf8Checker bytewise;
  for (char c : s) bytewise.feed(std::string_view(&c, 1));
  bool ok2 = bytewise.finish();
  REQUIRE(ok == ok2);
  if (!ok) REQUIRE(whole.error_offset() == bytewise.error_offset());
  return ok ? -1 : static_cast<int64_t>(whole.error_offset());
}

}  // namespace

TEST_CASE("UTF-8 checker accepts valid text") {
  CHECK(first_error("") == -1);
  CHECK(first_error("plain ascii\n") == -1);
  CHECK(first_error("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf") == -1);
  CHECK(first_error("\xed\x9f\xbf\xee\x80\x80") == -1);  // U+D7FF, U+E000
}

TEST_CASE("UTF-8 checker reports the offset of the first bad sequence") {
  CHECK(first_error("ab\x80") == 2);               // stray continuation
  CHECK(first_error("ab\xc0\xaf") == 2);           // overlong '/'
  CHECK(first_error("x\xe0\x80\xaf") == 1);        // overlong 3-byte
  CHECK(first_error("xy\xed\xa0\x80") == 2);       // surrogate U+D800
  CHECK(first_error("\xf4\x90\x80\x80") == 0);     // above U+10FFFF
  CHECK(first_error("ok\xf5\x80\x80\x80") == 2);   // invalid lead byte
  CHECK(first_error("abc\xe2\x82") == 3);          // truncated at the end
  CHECK(first_error("\xe2\x82x") == 0);            // interrupted sequence
  CHECK(first_error("\xff") == 0);
}

// GGUF metadata values and the ordered metadata list.
#include "trit/formats/gguf_value.h"

#include "format_test_util.h"
#include "trit/formats/byte_cursor.h"

using namespace trit::formats;

TEST_CASE("gguf value: the variant index is the gguf type id") {
  CHECK(GgufValue(uint8_t{1}).type() == GgufType::u8);
  CHECK(GgufValue(int64_t{1}).type() == GgufType::i64);
  CHECK(GgufValue(1.0).type() == GgufType::f64);
  CHECK(GgufValue(true).type() == GgufType::boolean);
  CHECK(GgufValue("text").type() == GgufType::string);
  CHECK(GgufValue(std::vector<std::string>{"a"}).type() == GgufType::array);
  CHECK(GgufValue(std::vector<double>{1.0}).get_if<GgufArray>()->elem_type() == GgufType::f64);
  CHECK(gguf_type_name(GgufType::boolean) == "bool");
  CHECK(gguf_type_name(GgufType(99)) == "type 99");
}

TEST_CASE("gguf value: metadata keeps insertion order, set replaces in place, keys are unique") {
  GgufMetadata m;
  m.set("b", uint32_t{1});
  m.set("a", uint32_t{2});
  m.set("b", "replaced");
  REQUIRE(m.size() == 2);
  CHECK(m.entries()[0].first == "b");
  CHECK(m.get<std::string>("b") == "replaced");
  REQUIRE_TRIT_ERROR(m.add_unique("a", uint8_t{0}, "f.gguf"), "f.gguf", "'a'", "twice");
  REQUIRE_TRIT_ERROR(m.add_unique("", uint8_t{0}, "f.gguf"), "f.gguf", "empty");
  CHECK(m.erase("b"));
  CHECK(!m.contains("b"));
  CHECK(m.get<uint32_t>("a") == 2);
}

TEST_CASE("gguf value: encoding and decoding agree for scalars and arrays") {
  const std::vector<GgufValue> values = {uint16_t{513}, -7.5f, std::string("xyz"),
                                         std::vector<std::string>{"p", "qq"}, std::vector<bool>{false, true}};
  for (const auto& v : values) {
    std::string wire;
    append_gguf_value(wire, v);
    ByteCursor in(std::as_bytes(std::span(wire.data(), wire.size())), "mem");
    CHECK(read_gguf_value(in, v.type(), "k") == v);
    CHECK(in.remaining() == 0);
  }
  std::string wire;
  append_gguf_value(wire, std::vector<std::string>{"p", "qq"});
  CHECK(wire.size() == 4 + 8 + (8 + 1) + (8 + 2));
}

TEST_CASE("gguf value: nested arrays are rejected on write and read") {
  GgufValue nested(GgufArray{std::monostate{}});
  std::string wire;
  REQUIRE_TRIT_ERROR(append_gguf_value(wire, nested), "nested");
  trit::test::Bytes b;
  b.u32(uint32_t(GgufType::array)).u64(1);
  ByteCursor in(b.data(), "n.gguf");
  REQUIRE_TRIT_ERROR(read_gguf_value(in, GgufType::array, "k"), "n.gguf", "'k'", "nested");
}

// safetensors reader: valid files (including Hugging Face's layout) and hostile ones.
#include "trit/formats/safetensors.h"

#include "format_test_util.h"

using namespace trit::formats;
using trit::test::Bytes;
using trit::test::TempDir;

namespace {

// A file with the given header text and `data_bytes` bytes of data.
Bytes make_st(std::string_view header, size_t data_bytes) {
  Bytes b;
  b.u64(header.size()).raw(header).zeros(data_bytes);
  return b;
}

SafetensorsHeader parse(const Bytes& b) { return parse_safetensors(b.data(), "w.safetensors"); }

}  // namespace

TEST_CASE("safetensors reader: valid headers, in any key order, with padding") {
  const auto b = make_st(
      R"({"z":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"__metadata__":{"format":"pt"},)"
      R"("a":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}}    )",
      12);
  const auto h = parse(b);
  REQUIRE(h.tensors.size() == 2);
  CHECK(h.tensors[0].name == "a");  // sorted by offset
  CHECK(h.tensors[0].dtype == trit::DType::bf16);
  CHECK(h.tensors[1].shape == std::vector<int64_t>{2});
  CHECK(h.metadata.at("format") == "pt");
  CHECK(h.find_tensor("z") == &h.tensors[1]);
  CHECK(parse(make_st("{}", 0)).tensors.empty());
}

TEST_CASE("safetensors reader: truncated files and header lengths") {
  Bytes tiny;
  tiny.raw("abc");
  REQUIRE_TRIT_ERROR(parse(tiny), "w.safetensors", "truncated", "3 bytes");
  Bytes huge;
  huge.u64(uint64_t(1) << 60).raw("{}");
  REQUIRE_TRIT_ERROR(parse(huge), "header length 1152921504606846976", "exceeds the limit");
  Bytes past;
  past.u64(100).raw("{}");
  REQUIRE_TRIT_ERROR(parse(past), "header length 100", "past the end");
  const auto full = make_st(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 16);
  for (size_t n = 0; n < full.size(); ++n) {
    INFO("truncated to " << n);
    REQUIRE_TRIT_ERROR(parse_safetensors(std::span(full.data()).first(n), "cut.safetensors"), "cut.safetensors: ");
  }
}

TEST_CASE("safetensors reader: hostile JSON") {
  REQUIRE_TRIT_ERROR(parse(make_st("[1,2]", 0)), "does not start with '{'");
  REQUIRE_TRIT_ERROR(parse(make_st("{\"a\":", 0)), "not valid JSON");
  REQUIRE_TRIT_ERROR(parse(make_st("{\"a\":\xff}", 0)), "not valid JSON");
  std::string deep = "{\"a\":";
  for (int i = 0; i < 100000; ++i) deep += "[";
  REQUIRE_TRIT_ERROR(parse(make_st(deep, 0)), "nests deeper");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},)"
                                   R"("a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}})", 4)),
                     "key \"a\" twice");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":5})", 0)), "tensor 'a'", "must be a JSON object");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"F32","shape":[]}})", 0)), "missing \"data_offsets\"");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}})", 0)),
                     "non-negative integer");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,0]}})", 0)),
                     "non-negative integer");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":7,"shape":[],"data_offsets":[0,4]}})", 4)), "dtype must be");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"__metadata__":{"k":1}})", 0)), "__metadata__", "must be a string");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"__metadata__":[]})", 0)), "__metadata__ must be an object");
}

TEST_CASE("safetensors reader: unsupported dtypes are named") {
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", 8)), "tensor 'a'",
                     "dtype \"I64\" is not supported", "F32, F16, BF16");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}})", 1)),
                     "F8_E4M3");
}

TEST_CASE("safetensors reader: sizes, offsets, gaps, overlaps and trailing bytes") {
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8)), "tensor 'a'",
                     "hold 8 bytes", "need 12");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})", 8)),
                     "end before they begin");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 4)),
                     "runs past the end of the data section (4 bytes)");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                   R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12)),
                     "tensor 'b'", "overlaps tensor 'a'");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8)), "leaves a gap");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 6)),
                     "trailing bytes");
  REQUIRE_TRIT_ERROR(
      parse(make_st(R"({"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", 0)),
      "overflows");
  REQUIRE_TRIT_ERROR(parse(make_st(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551615]}})", 4)),
                     "tensor 'a'");
}

TEST_CASE("safetensors reader: files on disk") {
  TempDir dir;
  REQUIRE_TRIT_ERROR(SafetensorsReader(dir / "none.safetensors"), "none.safetensors", "cannot open");
  trit::test::write_bytes(dir / "ok.safetensors",
                          make_st(R"({"w":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}})", 4).data());
  SafetensorsReader r(dir / "ok.safetensors");
  CHECK(r.tensor_data(r.tensor("w")).size() == 4);
  REQUIRE_TRIT_ERROR(r.tensor("v"), "ok.safetensors", "no tensor named 'v'");
}

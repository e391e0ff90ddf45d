// GGUF reader: acceptance of valid files and one clear trit::Error per hostile case.
#include "trit/formats/gguf_reader.h"

#include <limits>

#include "format_test_util.h"
#include "trit/formats/gguf_types.h"
#include "trit/formats/gguf_writer.h"

using namespace trit::formats;
using trit::test::Bytes;
using trit::test::TempDir;

namespace {

struct TensorSpec {
  std::string name;
  std::vector<int64_t> ne;
  uint32_t type = 0;
  uint64_t offset = 0;
};

// A hand-made GGUF: header, `kv` (n_kv entries, already encoded), tensor infos, padding to
// 32, then `data_bytes` zeros.
Bytes make_gguf(const std::vector<TensorSpec>& tensors, size_t data_bytes, const Bytes& kv = {}, uint64_t n_kv = 0,
                uint32_t version = 3) {
  Bytes b;
  b.raw("GGUF").u32(version).u64(tensors.size()).u64(n_kv);
  for (auto byte : kv.data()) b.u8(uint8_t(byte));
  for (const auto& t : tensors) {
    b.gguf_string(t.name).u32(uint32_t(t.ne.size()));
    for (int64_t d : t.ne) b.i64(d);
    b.u32(t.type).u64(t.offset);
  }
  b.pad_to(32);
  b.zeros(data_bytes);
  return b;
}

std::span<const std::byte> span_of(const Bytes& b) { return b.data(); }

}  // namespace

TEST_CASE("gguf reader: a valid hand-made file is accepted and described") {
  Bytes kv;
  kv.gguf_string("general.name").u32(8).gguf_string("m");
  const auto file = make_gguf({{"a", {4, 2}, 0, 0}, {"b", {32}, 8, 32}}, 32 + 34, kv, 1);
  const GgufHeader h = parse_gguf(span_of(file), "ok.gguf");
  CHECK(h.metadata.get<std::string>("general.name") == "m");
  REQUIRE(h.tensors.size() == 2);
  CHECK(h.tensors[0].n_bytes == 32);
  CHECK(h.tensors[1].n_bytes == 34);
  CHECK(h.data_offset % 32 == 0);
  CHECK(h.find_tensor("b") == &h.tensors[1]);
  CHECK(h.find_tensor("c") == nullptr);
}

TEST_CASE("gguf reader: version 2 is read, gaps between aligned tensors are allowed") {
  const auto file = make_gguf({{"a", {1}, 0, 0}, {"b", {1}, 0, 64}}, 96, {}, 0, 2);
  const GgufHeader h = parse_gguf(span_of(file), "v2.gguf");
  CHECK(h.version == 2);
  CHECK(h.tensors[1].offset == 64);
}

TEST_CASE("gguf reader: a file without tensors may end right after its metadata") {
  Bytes b;
  b.raw("GGUF").u32(3).u64(0).u64(0);
  CHECK(parse_gguf(span_of(b), "empty.gguf").tensors.empty());
}

TEST_CASE("gguf reader: every truncation of a valid file gives a clear error") {
  TempDir dir;
  GgufWriter w;
  w.metadata().set("general.name", "truncate me");
  w.metadata().set("tokens", std::vector<std::string>{"a", "bb", "ccc"});
  w.metadata().set("scores", std::vector<float>{1, 2, 3});
  w.add_tensor("x", uint32_t(GgmlType::F32), {3}, std::vector<std::byte>(12));
  w.add_tensor("y", uint32_t(GgmlType::Q8_0), {32}, std::vector<std::byte>(34));
  w.write(dir / "full.gguf");
  const auto full = trit::test::read_bytes(dir / "full.gguf");
  const GgufHeader h = parse_gguf(full, "full.gguf");
  const size_t needed = size_t(h.data_offset + h.tensors.back().offset + h.tensors.back().n_bytes);
  for (size_t n = 0; n < needed; ++n) {
    INFO("truncated to " << n << " bytes");
    REQUIRE_TRIT_ERROR(parse_gguf(std::span(full).first(n), "cut.gguf"), "cut.gguf: ");
  }
  CHECK(parse_gguf(std::span(full).first(needed), "cut.gguf").tensors.size() == 2);
  // The message says what was being read at the cut.
  REQUIRE_TRIT_ERROR(parse_gguf(std::span(full).first(10), "cut.gguf"), "truncated", "tensor count");
  REQUIRE_TRIT_ERROR(parse_gguf(std::span(full).first(needed - 1), "cut.gguf"), "tensor 'y'", "past the end");
}

TEST_CASE("gguf reader: wrong magic") {
  Bytes b;
  b.raw("GGUG").u32(3).u64(0).u64(0);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(b), "m.gguf"), "m.gguf", "not a GGUF file");
}

TEST_CASE("gguf reader: version 1") {
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({}, 0, {}, 0, 1)), "v.gguf"), "v.gguf", "version 1",
                     "not supported");
}

TEST_CASE("gguf reader: unknown versions and byte-swapped files") {
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({}, 0, {}, 0, 4)), "v.gguf"), "version 4");
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({}, 0, {}, 0, 0x03000000)), "v.gguf"), "byte-swapped");
}

TEST_CASE("gguf reader: huge tensor count") {
  Bytes b;
  b.raw("GGUF").u32(3).u64(std::numeric_limits<uint64_t>::max()).u64(0).zeros(64);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(b), "n.gguf"), "n.gguf", "tensor count 18446744073709551615");
}

TEST_CASE("gguf reader: huge metadata count") {
  Bytes c;
  c.raw("GGUF").u32(3).u64(0).u64(uint64_t(1) << 62).zeros(64);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(c), "n.gguf"), "n.gguf", "metadata count 4611686018427387904");
}

TEST_CASE("gguf reader: huge string lengths in keys, values and tensor names") {
  Bytes key;
  key.u64(uint64_t(1) << 40).raw("abc");
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({}, 0, key, 1)), "s.gguf"), "s.gguf", "metadata key 0",
                     "claims 1099511627776 bytes");
  Bytes value;
  value.gguf_string("k").u32(uint32_t(GgufType::string)).u64(std::numeric_limits<uint64_t>::max());
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({}, 0, value, 1)), "s.gguf"), "'k'", "claims");
  Bytes arr;
  arr.gguf_string("a").u32(uint32_t(GgufType::array)).u32(uint32_t(GgufType::u64)).u64(uint64_t(1) << 61);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({}, 0, arr, 1)), "s.gguf"), "'a'", "array of 2305843009213693952");
  Bytes strs;
  strs.gguf_string("s").u32(uint32_t(GgufType::array)).u32(uint32_t(GgufType::string)).u64(2).gguf_string("x");
  strs.u64(uint64_t(1) << 50);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({}, 0, strs, 1)), "s.gguf"), "array 's' string 1");
  Bytes name;
  name.raw("GGUF").u32(3).u64(1).u64(0).u64(uint64_t(1) << 33).zeros(40);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(name), "s.gguf"), "tensor 0 name");
}

TEST_CASE("gguf reader: bad metadata types, duplicate keys and alignment") {
  Bytes t;
  t.gguf_string("k").u32(13).u8(0);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({}, 0, t, 1)), "t.gguf"), "'k'", "unknown value type 13");
  Bytes e;
  e.gguf_string("k").u32(uint32_t(GgufType::array)).u32(77).u64(0);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({}, 0, e, 1)), "t.gguf"), "unknown array element type 77");
  Bytes d;
  d.gguf_string("k").u32(0).u8(1).gguf_string("k").u32(0).u8(2);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({}, 0, d, 2)), "t.gguf"), "t.gguf", "'k' appears twice");
  Bytes a;
  a.gguf_string("general.alignment").u32(uint32_t(GgufType::u32)).u32(24);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({}, 0, a, 1)), "t.gguf"), "general.alignment = 24");
}

TEST_CASE("gguf reader: tensor data past the end of the file") {
  const auto file = make_gguf({{"blk.0.attn_q.weight", {1024}, 0, 0}}, 2048);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(file), "model.gguf"), "model.gguf: tensor 'blk.0.attn_q.weight' data",
                     "4096 bytes", "runs past the end of the file");
  const auto far = make_gguf({{"x", {1}, 0, uint64_t(1) << 63}}, 64);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(far), "model.gguf"), "tensor 'x'", "past the end");
}

TEST_CASE("gguf reader: overlapping tensors") {
  const auto overlap = make_gguf({{"a", {16}, 0, 0}, {"b", {4}, 0, 32}}, 128);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(overlap), "o.gguf"), "o.gguf", "tensor 'b'", "overlaps tensor 'a'");
}

TEST_CASE("gguf reader: tensors out of order") {
  const auto order = make_gguf({{"a", {4}, 0, 64}, {"b", {4}, 0, 0}}, 128);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(order), "o.gguf"), "o.gguf", "tensor 'b'", "comes before tensor 'a'");
}

TEST_CASE("gguf reader: misaligned tensor offset") {
  const auto misaligned = make_gguf({{"a", {4}, 0, 0}, {"b", {4}, 0, 20}}, 128);
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(misaligned), "o.gguf"), "o.gguf", "tensor 'b' data [offset 20",
                     "not aligned to 32");
}

TEST_CASE("gguf reader: five dimensions") {
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({{"t", {1, 1, 1, 1, 1}, 0, 0}}, 32)), "d.gguf"), "d.gguf",
                     "tensor 't' has 5 dimensions");
}

TEST_CASE("gguf reader: zero and negative dimensions") {
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({{"t", {4, 0}, 0, 0}}, 32)), "d.gguf"), "d.gguf", "tensor 't'",
                     "ne[1] = 0", "positive");
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({{"t", {-4}, 0, 0}}, 32)), "d.gguf"), "ne[0] = -4");
}

TEST_CASE("gguf reader: element count and byte size overflow") {
  const int64_t big = int64_t(1) << 40;
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({{"t", {big, big}, 0, 0}}, 32)), "d.gguf"), "d.gguf",
                     "tensor 't'", "element count overflows");
  REQUIRE_TRIT_ERROR(
      parse_gguf(span_of(make_gguf({{"t", {std::numeric_limits<int64_t>::max()}, 0, 0}}, 32)), "d.gguf"),
      "byte size overflows");
}

TEST_CASE("gguf reader: row length not a multiple of the block size") {
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({{"t", {48}, uint32_t(GgmlType::TQ2_0), 0}}, 32)), "d.gguf"),
                     "d.gguf", "TQ2_0 with ne[0] = 48", "block size 256");
}

TEST_CASE("gguf reader: unknown tensor type") {
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({{"t", {32}, 23, 0}}, 32)), "d.gguf"), "d.gguf", "tensor 't'",
                     "ggml type id 23");
}

TEST_CASE("gguf reader: bad tensor names") {
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({{"t", {1}, 0, 0}, {"t", {1}, 0, 32}}, 64)), "d.gguf"),
                     "tensor 't' appears twice");
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({{"", {1}, 0, 0}}, 32)), "d.gguf"), "empty name");
  REQUIRE_TRIT_ERROR(parse_gguf(span_of(make_gguf({{std::string(64, 'x'), {1}, 0, 0}}, 32)), "d.gguf"), "64 bytes");
}

TEST_CASE("gguf reader: files on disk: missing, empty, and errors naming the path") {
  TempDir dir;
  REQUIRE_TRIT_ERROR(GgufReader(dir / "nope.gguf"), "nope.gguf", "cannot open");
  trit::test::write_bytes(dir / "empty.gguf", {});
  REQUIRE_TRIT_ERROR(GgufReader(dir / "empty.gguf"), "empty.gguf", "truncated", "magic");
  REQUIRE_TRIT_ERROR(GgufReader(dir.path()), "not a regular file");
  const auto good = make_gguf({{"w", {2}, 0, 0}}, 32);
  trit::test::write_bytes(dir / "good.gguf", good.data());
  GgufReader r(dir / "good.gguf");
  CHECK(r.tensor_data(r.tensor("w")).size() == 8);
  REQUIRE_TRIT_ERROR(r.tensor("v"), "good.gguf", "no tensor named 'v'");
  REQUIRE_TRIT_ERROR(r.get<uint32_t>("general.alignment"), "good.gguf: metadata key 'general.alignment' is missing");
}

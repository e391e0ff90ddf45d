// GGUF writer: exact bytes, round trips of every metadata type, alignment and offsets.
#include "trit/formats/gguf_writer.h"

#include <limits>

#include "format_test_util.h"
#include "trit/core/half.h"
#include "trit/formats/gguf_reader.h"
#include "trit/formats/gguf_types.h"

using namespace trit::formats;
using trit::test::Bytes;
using trit::test::TempDir;

namespace {

std::vector<std::byte> f32_bytes(std::vector<float> v) { return trit::test::as_bytes_vec(v); }

GgufMetadata every_type() {
  GgufMetadata m;
  m.set("t.u8", uint8_t{200});
  m.set("t.i8", int8_t{-100});
  m.set("t.u16", uint16_t{60000});
  m.set("t.i16", int16_t{-30000});
  m.set("t.u32", uint32_t{4000000000u});
  m.set("t.i32", int32_t{-2000000000});
  m.set("t.f32", 3.25f);
  m.set("t.bool", true);
  m.set("t.string", std::string("héllo \"world\"\n"));
  m.set("t.u64", std::numeric_limits<uint64_t>::max());
  m.set("t.i64", std::numeric_limits<int64_t>::min());
  m.set("t.f64", -1.0e300);
  m.set("a.u8", std::vector<uint8_t>{0, 1, 255});
  m.set("a.i8", std::vector<int8_t>{-128, 0, 127});
  m.set("a.u16", std::vector<uint16_t>{1, 65535});
  m.set("a.i16", std::vector<int16_t>{-32768, 32767});
  m.set("a.u32", std::vector<uint32_t>{7, 8, 9});
  m.set("a.i32", std::vector<int32_t>{-1, 0, 1});
  m.set("a.f32", std::vector<float>{0.5f, -0.0f, std::numeric_limits<float>::infinity()});
  m.set("a.bool", std::vector<bool>{true, false, true});
  m.set("a.string", std::vector<std::string>{"a", "", "long string with spaces"});
  m.set("a.u64", std::vector<uint64_t>{std::numeric_limits<uint64_t>::max()});
  m.set("a.i64", std::vector<int64_t>{std::numeric_limits<int64_t>::min(), 5});
  m.set("a.f64", std::vector<double>{1e-300, 2.5});
  m.set("a.empty", std::vector<float>{});
  return m;
}

}  // namespace

TEST_CASE("gguf writer: a tiny file is written byte for byte as specified") {
  TempDir dir;
  GgufWriter w;
  w.metadata().set("k", uint32_t{7});
  w.add_tensor("t", uint32_t(GgmlType::F32), {2}, f32_bytes({1.0f, 2.0f}));
  w.write(dir / "tiny.gguf");

  Bytes expected;
  expected.raw("GGUF").u32(3).u64(1).u64(1);
  expected.gguf_string("k").u32(4).u32(7);
  expected.gguf_string("t").u32(1).i64(2).u32(0).u64(0);
  expected.pad_to(32);
  expected.pod(1.0f).pod(2.0f).pad_to(32);
  REQUIRE(trit::test::read_bytes(dir / "tiny.gguf") == expected.data());
}

TEST_CASE("gguf writer: every metadata type and array type round-trips") {
  TempDir dir;
  GgufWriter w;
  w.metadata() = every_type();
  w.write(dir / "meta.gguf");
  GgufReader r(dir / "meta.gguf");
  CHECK(r.version() == 3);
  CHECK(r.tensors().empty());
  REQUIRE(r.metadata().entries() == every_type().entries());  // same keys, order, types and values
  CHECK(r.metadata().get<GgufArray>("a.string").elem_type() == GgufType::string);
  CHECK(r.metadata().get<float>("t.f32") == 3.25f);
  REQUIRE_TRIT_ERROR(r.metadata().get<uint32_t>("t.f32"), "t.f32", "f32", "expected u32");
  REQUIRE_TRIT_ERROR(r.metadata().get<uint32_t>("missing"), "missing");
}

TEST_CASE("gguf writer: tensors of several types round-trip with aligned running offsets") {
  TempDir dir;
  GgufWriter w;
  w.metadata().set("general.architecture", "test");
  std::vector<float> a(7);
  for (size_t i = 0; i < a.size(); ++i) a[i] = float(i) * 0.5f;
  std::vector<uint16_t> h(64);
  for (size_t i = 0; i < h.size(); ++i) h[i] = trit::float_to_f16(float(i));
  std::vector<std::byte> q8(34 * 2, std::byte{3});  // two Q8_0 blocks
  w.add_tensor("a", uint32_t(GgmlType::F32), {7}, trit::test::as_bytes_vec(a));
  w.add_tensor("h", uint32_t(GgmlType::F16), {32, 2}, trit::test::as_bytes_vec(h));
  w.add_tensor("q", uint32_t(GgmlType::Q8_0), {64}, q8);
  w.write(dir / "t.gguf");

  GgufReader r(dir / "t.gguf");
  REQUIRE(r.tensors().size() == 3);
  CHECK(r.header().data_offset % 32 == 0);
  CHECK(r.tensor("a").offset == 0);
  CHECK(r.tensor("a").n_bytes == 28);
  CHECK(r.tensor("h").offset == 32);  // 28 padded to 32
  CHECK(r.tensor("h").n_bytes == 128);
  CHECK(r.tensor("h").shape == std::vector<int64_t>{32, 2});
  CHECK(r.tensor("q").offset == 160);
  CHECK(r.tensor("q").type == uint32_t(GgmlType::Q8_0));
  CHECK(r.file_size() == r.header().data_offset + 160 + 96);  // 68 bytes padded to 96
  auto da = r.tensor_data(r.tensor("a"));
  CHECK(std::vector<std::byte>(da.begin(), da.end()) == trit::test::as_bytes_vec(a));
  auto dq = r.tensor_data(r.tensor("q"));
  CHECK(std::vector<std::byte>(dq.begin(), dq.end()) == q8);
  // Padding between blobs is zeros.
  auto all = trit::test::read_bytes(dir / "t.gguf");
  for (size_t i = r.header().data_offset + 28; i < r.header().data_offset + 32; ++i) CHECK(all[i] == std::byte{0});
}

TEST_CASE("gguf writer: general.alignment changes the alignment of the data and every tensor") {
  TempDir dir;
  GgufWriter w;
  w.metadata().set(std::string(kGgufAlignmentKey), uint32_t{256});
  w.add_tensor("x", uint32_t(GgmlType::F32), {3}, f32_bytes({1, 2, 3}));
  w.add_tensor("y", uint32_t(GgmlType::F32), {1}, f32_bytes({4}));
  w.write(dir / "a.gguf");
  GgufReader r(dir / "a.gguf");
  CHECK(r.alignment() == 256);
  CHECK(r.header().data_offset % 256 == 0);
  CHECK(r.tensor("y").offset == 256);

  GgufWriter bad;
  bad.metadata().set(std::string(kGgufAlignmentKey), uint32_t{48});
  REQUIRE_TRIT_ERROR(bad.write(dir / "bad.gguf"), "bad.gguf", "general.alignment = 48", "power of two");
  bad.metadata().set(std::string(kGgufAlignmentKey), uint64_t{64});
  REQUIRE_TRIT_ERROR(bad.write(dir / "bad.gguf"), "general.alignment", "u64", "must be u32");
  CHECK(!std::filesystem::exists(dir / "bad.gguf"));
}

TEST_CASE("gguf writer: bad tensors are refused naming the tensor") {
  GgufWriter w;
  REQUIRE_TRIT_ERROR(w.add_tensor("w", uint32_t(GgmlType::F32), {4}, f32_bytes({1, 2})), "tensor 'w'", "8 bytes",
                     "need 16");
  REQUIRE_TRIT_ERROR(w.add_tensor("q", uint32_t(GgmlType::Q4_0), {16}, std::vector<std::byte>(9)), "tensor 'q'",
                     "Q4_0", "block size 32");
  REQUIRE_TRIT_ERROR(w.add_tensor("u", 17, {32}, std::vector<std::byte>(32)), "tensor 'u'", "type id 17");
  REQUIRE_TRIT_ERROR(w.add_tensor("z", uint32_t(GgmlType::F32), {0}, std::vector<std::byte>{}), "tensor 'z'",
                     "positive");
  REQUIRE_TRIT_ERROR(w.add_tensor(std::string(64, 'n'), uint32_t(GgmlType::F32), {1}, f32_bytes({1})), "64 bytes");
  w.add_tensor("ok", uint32_t(GgmlType::F32), {1}, f32_bytes({1}));
  REQUIRE_TRIT_ERROR(w.add_tensor("ok", uint32_t(GgmlType::F32), {1}, f32_bytes({1})), "tensor 'ok'", "twice");
}

TEST_CASE("gguf writer: a failed write leaves neither the target nor a temporary file") {
  TempDir dir;
  GgufWriter w;
  w.add_tensor("x", uint32_t(GgmlType::F32), {1}, f32_bytes({1}));
  w.write(dir / "keep.gguf");
  const auto before = trit::test::read_bytes(dir / "keep.gguf");
  w.metadata().set(std::string(kGgufAlignmentKey), "not a number");
  REQUIRE_TRIT_ERROR(w.write(dir / "keep.gguf"), "keep.gguf", "general.alignment");
  CHECK(trit::test::read_bytes(dir / "keep.gguf") == before);  // the old file is intact
  CHECK(dir.entries() == std::vector<std::string>{"keep.gguf"});
  w.metadata().erase(kGgufAlignmentKey);
  REQUIRE_TRIT_ERROR(w.write(dir / "missing_folder" / "x.gguf"), "x.gguf", "cannot create");
}

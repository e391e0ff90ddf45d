// safetensors writer: exact layout, round trips of every dtype, atomic output.
#include "format_test_util.h"
#include "trit/formats/safetensors.h"

#include <nlohmann/json.hpp>

using namespace trit::formats;
using trit::DType;
using trit::test::TempDir;

TEST_CASE("safetensors writer: header is JSON padded with spaces to 8 bytes, data follows in order") {
  TempDir dir;
  SafetensorsWriter w;
  w.metadata()["format"] = "pt";
  w.add_tensor("b", DType::f32, {2}, trit::test::as_bytes_vec(std::vector<float>{1, 2}));
  w.add_tensor("a", DType::u8, {3}, std::vector<std::byte>{std::byte{7}, std::byte{8}, std::byte{9}});
  w.write(dir / "x.safetensors");
  const auto bytes = trit::test::read_bytes(dir / "x.safetensors");
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  CHECK(n % 8 == 0);
  REQUIRE(bytes.size() == 8 + n + 11);
  const std::string header(reinterpret_cast<const char*>(bytes.data()) + 8, n);
  const auto j = nlohmann::json::parse(header);
  CHECK(j["__metadata__"]["format"] == "pt");
  CHECK(j["b"]["dtype"] == "F32");
  CHECK(j["b"]["data_offsets"] == nlohmann::json::array({0, 8}));
  CHECK(j["a"]["data_offsets"] == nlohmann::json::array({8, 11}));
  CHECK(j["a"]["shape"] == nlohmann::json::array({3}));
  CHECK(header.find_first_not_of(' ', header.rfind('}') + 1) == std::string::npos);
  CHECK(bytes[8 + n + 8] == std::byte{7});
}

TEST_CASE("safetensors writer: every dtype, scalars and empty tensors round-trip") {
  TempDir dir;
  SafetensorsWriter w;
  const std::vector<DType> dtypes = {DType::f32, DType::f16, DType::bf16, DType::i8, DType::u8, DType::f64, DType::i32};
  std::vector<std::vector<std::byte>> datas;
  for (size_t i = 0; i < dtypes.size(); ++i) {
    std::vector<std::byte> d(2 * 3 * trit::dtype_size(dtypes[i]));
    for (size_t k = 0; k < d.size(); ++k) d[k] = std::byte(uint8_t(k * 7 + i));
    datas.push_back(d);
    w.add_tensor(trit::str_cat("t", i), dtypes[i], {2, 3}, d);
  }
  w.add_tensor("scalar", DType::f64, {}, trit::test::as_bytes_vec(std::vector<double>{2.5}));
  w.add_tensor("empty", DType::f32, {0, 4}, std::vector<std::byte>{});
  w.metadata()["note"] = "ünïcode ok";
  w.write(dir / "all.safetensors");

  SafetensorsReader r(dir / "all.safetensors");
  CHECK(r.metadata().at("note") == "ünïcode ok");
  REQUIRE(r.tensors().size() == dtypes.size() + 2);
  for (size_t i = 0; i < dtypes.size(); ++i) {
    const auto& t = r.tensor(trit::str_cat("t", i));
    CHECK(t.dtype == dtypes[i]);
    CHECK(t.shape == std::vector<int64_t>{2, 3});
    auto d = r.tensor_data(t);
    CHECK(std::vector<std::byte>(d.begin(), d.end()) == datas[i]);
  }
  CHECK(r.tensor("scalar").shape.empty());
  CHECK(r.tensor("scalar").n_bytes() == 8);
  CHECK(r.tensor("empty").n_bytes() == 0);
}

TEST_CASE("safetensors writer: refuses bad tensors and leaves nothing behind on failure") {
  TempDir dir;
  SafetensorsWriter w;
  REQUIRE_TRIT_ERROR(w.add_tensor("x", DType::f32, {3}, std::vector<std::byte>(8)), "tensor 'x'", "8 bytes",
                     "need 12");
  REQUIRE_TRIT_ERROR(w.add_tensor("__metadata__", DType::f32, {}, std::vector<std::byte>(4)), "reserved");
  REQUIRE_TRIT_ERROR(w.add_tensor("n", DType::f32, {-1}, std::vector<std::byte>{}), "negative");
  w.add_tensor("x", DType::f32, {1}, std::vector<std::byte>(4));
  REQUIRE_TRIT_ERROR(w.add_tensor("x", DType::f32, {1}, std::vector<std::byte>(4)), "twice");
  w.metadata()["bad"] = std::string("\xff\xfe");  // not UTF-8: the JSON dump fails
  REQUIRE_TRIT_ERROR(w.write(dir / "bad.safetensors"), "bad.safetensors", "UTF-8");
  CHECK(dir.entries().empty());
}

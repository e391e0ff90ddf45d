// GGUF shared rules: tensor byte sizes per ggml type, alignment lookup, rounding.
#include "trit/formats/gguf.h"

#include <limits>

#include "format_test_util.h"
#include "trit/formats/gguf_types.h"

using namespace trit::formats;

TEST_CASE("gguf: tensor byte sizes follow each type's block size and bytes per block") {
  const std::vector<int64_t> shape = {256, 3};
  CHECK(ggml_tensor_bytes(uint32_t(GgmlType::F32), shape, "t") == 256 * 3 * 4);
  CHECK(ggml_tensor_bytes(uint32_t(GgmlType::F16), shape, "t") == 256 * 3 * 2);
  CHECK(ggml_tensor_bytes(uint32_t(GgmlType::BF16), shape, "t") == 256 * 3 * 2);
  CHECK(ggml_tensor_bytes(uint32_t(GgmlType::Q4_0), shape, "t") == 8 * 3 * 18);
  CHECK(ggml_tensor_bytes(uint32_t(GgmlType::Q8_0), shape, "t") == 8 * 3 * 34);
  CHECK(ggml_tensor_bytes(uint32_t(GgmlType::Q4_K), shape, "t") == 3 * 144);
  CHECK(ggml_tensor_bytes(uint32_t(GgmlType::TQ1_0), shape, "t") == 3 * 54);
  CHECK(ggml_tensor_bytes(uint32_t(GgmlType::TQ2_0), shape, "t") == 3 * 66);
  CHECK(ggml_tensor_bytes(uint32_t(GgmlType::F32), {}, "scalar") == 4);
  CHECK(ggml_type_info(34)->name == "TQ1_0");
  CHECK(!ggml_type_info(3).has_value());
  CHECK(ggml_type_name(3) == "type 3");
}

TEST_CASE("gguf: only ne[0] must fit the block size") {
  CHECK(ggml_tensor_bytes(uint32_t(GgmlType::Q8_0), std::vector<int64_t>{32, 5}, "t") == 5 * 34);
  REQUIRE_TRIT_ERROR(ggml_tensor_bytes(uint32_t(GgmlType::Q8_0), std::vector<int64_t>{5, 32}, "ctx"), "ctx",
                     "Q8_0 with ne[0] = 5", "block size 32");
}

TEST_CASE("gguf: alignment from metadata and rounding") {
  GgufMetadata m;
  CHECK(gguf_alignment(m, "f") == 32);
  m.set(std::string(kGgufAlignmentKey), uint32_t{1});
  CHECK(gguf_alignment(m, "f") == 1);
  m.set(std::string(kGgufAlignmentKey), uint32_t{0});
  REQUIRE_TRIT_ERROR(gguf_alignment(m, "f.gguf"), "f.gguf", "not a power of two");
  CHECK(align_up(0, 32) == 0);
  CHECK(align_up(1, 32) == 32);
  CHECK(align_up(64, 32) == 64);
  REQUIRE_TRIT_ERROR(align_up(std::numeric_limits<uint64_t>::max() - 3, 32), "overflows");
}

// Inspection listing: the exact lines for GGUF, safetensors and checkpoints.
#include "trit/formats/inspect.h"

#include <sstream>

#include "format_test_util.h"
#include "trit/formats/checkpoint.h"
#include "trit/formats/gguf_types.h"
#include "trit/formats/gguf_writer.h"
#include "trit/formats/safetensors.h"

using namespace trit::formats;
using trit::test::TempDir;

namespace {

std::string inspect(const std::filesystem::path& p, size_t max_items = 16) {
  std::ostringstream out;
  inspect_file(p, out, {max_items});
  return out.str();
}

}  // namespace

TEST_CASE("inspect: GGUF metadata and tensor table") {
  TempDir dir;
  GgufWriter w;
  w.metadata().set("general.architecture", "bitnet");
  w.metadata().set("scale", 0.1f);
  w.metadata().set("flag", false);
  w.metadata().set("small", std::vector<int8_t>{-1, 2});
  w.metadata().set("tokens", std::vector<std::string>(5, "t"));
  w.add_tensor("token_embd.weight", uint32_t(GgmlType::F32), {2, 3}, std::vector<std::byte>(24));
  w.write(dir / "m.gguf");
  const std::string expected = (dir / "m.gguf").string() +
                               ": GGUF v3, 5 metadata keys, 1 tensor, alignment 32, data section at offset 288\n"
                               "metadata:\n"
                               "  general.architecture: string = \"bitnet\"\n"
                               "  scale: f32 = 0.100000001\n"
                               "  flag: bool = false\n"
                               "  small: array[i8] = [-1, 2]\n"
                               "  tokens: array[string] = [5 strings]\n"
                               "tensors (shape in ggml order, innermost first; offsets relative to the data section):\n"
                               "  name               type  shape   offset  bytes\n"
                               "  token_embd.weight  F32   [2, 3]  0       24\n";
  CHECK(inspect(dir / "m.gguf", 4) == expected);
  CHECK(inspect(dir / "m.gguf").find("tokens: array[string] = [\"t\", \"t\", \"t\", \"t\", \"t\"]") != std::string::npos);
}

TEST_CASE("inspect: value formatting") {
  CHECK(quote_string("a\"b\\c\n\x01\xc3\xa9") == "\"a\\\"b\\\\c\\n\\x01\xc3\xa9\"");
  CHECK(format_gguf_value(uint8_t{200}, 4) == "200");
  CHECK(format_gguf_value(-0.5, 4) == "-0.5");
  CHECK(format_gguf_value(std::vector<uint32_t>(100, 1), 4) == "[100 u32 values]");
  CHECK(format_gguf_value(std::vector<bool>{true, false}, 4) == "[true, false]");
}

TEST_CASE("inspect: safetensors and checkpoint listings") {
  TempDir dir;
  SafetensorsWriter s;
  s.metadata()["format"] = "pt";
  s.add_tensor("w", trit::DType::bf16, {2, 2}, std::vector<std::byte>(8));
  s.write(dir / "m.safetensors");
  const std::string st = inspect(dir / "m.safetensors");
  CHECK(st.find(": safetensors, 1 metadata key, 1 tensor, data section at offset ") != std::string::npos);
  CHECK(st.find("  format: string = \"pt\"\n") != std::string::npos);
  CHECK(st.find("  w     BF16  [2, 2]  0       8\n") != std::string::npos);

  Checkpoint c;
  c.model = "bitnet";
  c.config_json = "{}";
  c.step = 7;
  c.params["a.weight"] = NamedArray::from<float>(std::vector<float>{1, 2}, {2});
  write_checkpoint(dir / "c.h5", c);
  const std::string ck = inspect(dir / "c.h5");
  CHECK(ck.find(": trit-checkpoint v1, model \"bitnet\", step 7, tokens 0\n") != std::string::npos);
  CHECK(ck.find("params/ (1 array)\n  name      type  shape  bytes\n  a.weight  f32   [2]    8\n") != std::string::npos);
  CHECK(ck.find("optim/ (0 arrays)\n") != std::string::npos);
}

TEST_CASE("inspect: unknown files are refused by name") {
  TempDir dir;
  std::ofstream(dir / "x.txt") << "plain text file";
  REQUIRE_TRIT_ERROR(inspect(dir / "x.txt"), "x.txt", "not a GGUF, safetensors or trit checkpoint");
  CHECK(detect_file_kind(dir / "x.txt") == FileKind::unknown);
  REQUIRE_TRIT_ERROR(inspect(dir / "nope"), "nope", "cannot open");
}

// Checkpoints: round trips of every dtype and group, the latest pointer, and hostile files.
#include "trit/formats/checkpoint.h"

#include "format_test_util.h"

using namespace trit::formats;
using trit::test::TempDir;

namespace {

Checkpoint sample(int64_t step) {
  Checkpoint c;
  c.model = "bitnet";
  c.config_json = R"({"model":{"dim":64},"name":"ü"})";
  c.step = step;
  c.tokens = step * 4096;
  const std::vector<float> w = {1.5f, -2.0f, 0.25f, 3.0f, 4.0f, 5.0f};
  c.params["layers.0.attn.q.weight"] = NamedArray::from<float>(w, {2, 3});
  c.params["norm.weight"] = NamedArray::from<float>(std::span(w).first(3), {3});
  c.optim["m.layers.0.attn.q.weight"] = NamedArray::from<double>(std::vector<double>{1e-300, 2, 3, 4, 5, 6}, {6});
  c.optim["step"] = NamedArray::from<int64_t>(std::vector<int64_t>{step}, {});
  c.rng["cpu"] = NamedArray::from<uint64_t>(std::vector<uint64_t>{~uint64_t(0), 1, 2, 3}, {4});
  c.rng["bytes"] = NamedArray::from<uint8_t>(std::vector<uint8_t>{0, 255}, {2});
  c.data["cursor"] = NamedArray::from<uint32_t>(std::vector<uint32_t>{7, 8}, {1, 2});
  c.data["i8"] = NamedArray::from<int8_t>(std::vector<int8_t>{-128, 127}, {2});
  c.data["i32"] = NamedArray::from<int32_t>(std::vector<int32_t>{-5}, {1});
  c.data["empty"] = NamedArray::from<float>(std::span<const float>(), {0});
  return c;
}

void require_equal(const Checkpoint& a, const Checkpoint& b) {
  CHECK(a.format_version == b.format_version);
  CHECK(a.model == b.model);
  CHECK(a.config_json == b.config_json);
  CHECK(a.step == b.step);
  CHECK(a.tokens == b.tokens);
  CHECK(a.params == b.params);
  CHECK(a.optim == b.optim);
  CHECK(a.rng == b.rng);
  CHECK(a.data == b.data);
}

}  // namespace

TEST_CASE("checkpoint: every dtype, scalar and empty arrays round-trip bit-exactly") {
  TempDir dir;
  const Checkpoint c = sample(120);
  write_checkpoint(dir / "c.h5", c);
  const Checkpoint r = read_checkpoint(dir / "c.h5");
  require_equal(r, c);
  CHECK(r.params.at("layers.0.attn.q.weight").values<float>()[1] == -2.0f);
  CHECK(r.optim.at("step").shape.empty());
  REQUIRE_TRIT_ERROR(r.optim.at("step").values<float>(), "i64", "f32");
  CHECK(dir.entries() == std::vector<std::string>{"c.h5"});  // no temporary left behind
}

TEST_CASE("checkpoint: write_checkpoint_atomically names step files and moves latest") {
  TempDir dir;
  CHECK(!latest_checkpoint(dir.path()).has_value());
  const auto first = write_checkpoint_atomically(dir.path(), sample(100));
  CHECK(first == dir.path() / "checkpoints" / "step_100.h5");
  CHECK(latest_checkpoint(dir.path()) == first);
  const auto second = write_checkpoint_atomically(dir.path(), sample(200));
  CHECK(latest_checkpoint(dir.path()) == second);
  std::ifstream in(dir.path() / "checkpoints" / "latest");
  std::string line;
  std::getline(in, line);
  CHECK(line == "step_200.h5");
  CHECK(read_checkpoint(*latest_checkpoint(dir.path())).step == 200);
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() / "checkpoints"))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"latest", "step_100.h5", "step_200.h5"});
}

TEST_CASE("checkpoint: a broken latest pointer is reported") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "checkpoints");
  const auto latest = dir.path() / "checkpoints" / "latest";
  std::ofstream(latest) << "step_5.h5\n";
  REQUIRE_TRIT_ERROR(latest_checkpoint(dir.path()), "latest", "step_5.h5", "does not exist");
  std::ofstream(latest) << "../../etc/passwd\n";
  REQUIRE_TRIT_ERROR(latest_checkpoint(dir.path()), "not a plain file name");
  std::ofstream(latest) << "\n";
  REQUIRE_TRIT_ERROR(latest_checkpoint(dir.path()), "empty");
}

TEST_CASE("checkpoint: the writer validates before creating anything") {
  TempDir dir;
  Checkpoint c = sample(1);
  c.params["bad"] = NamedArray::from<double>(std::vector<double>{1}, {1});
  REQUIRE_TRIT_ERROR(write_checkpoint(dir / "x.h5", c), "x.h5", "params/bad", "f64", "must be f32");
  c = sample(1);
  c.optim["short"] = NamedArray{ArrayType::f32, {4}, std::vector<std::byte>(12)};
  REQUIRE_TRIT_ERROR(write_checkpoint(dir / "x.h5", c), "optim/short", "12 bytes", "4 elements");
  c = sample(1);
  c.rng["a/b"] = NamedArray::from<uint8_t>(std::vector<uint8_t>{1}, {1});
  REQUIRE_TRIT_ERROR(write_checkpoint(dir / "x.h5", c), "rng/a/b", "no '/'");
  c = sample(1);
  c.model.clear();
  REQUIRE_TRIT_ERROR(write_checkpoint(dir / "x.h5", c), "model family");
  c = sample(-1);
  REQUIRE_TRIT_ERROR(write_checkpoint_atomically(dir.path(), c), "negative step");
  CHECK(dir.entries().empty());
  REQUIRE_TRIT_ERROR(write_checkpoint(dir / "no_such_dir" / "x.h5", sample(1)), "x.h5", "cannot create");
}

TEST_CASE("checkpoint: missing, non-HDF5, truncated and garbled files give one clear error") {
  TempDir dir;
  REQUIRE_TRIT_ERROR(read_checkpoint(dir / "none.h5"), "none.h5", "no such checkpoint file");
  std::ofstream(dir / "text.h5") << "hello";
  REQUIRE_TRIT_ERROR(read_checkpoint(dir / "text.h5"), "text.h5", "not an HDF5 file");
  write_checkpoint(dir / "full.h5", sample(3));
  const auto full = trit::test::read_bytes(dir / "full.h5");
  for (size_t n : {size_t(8), size_t(100), size_t(1000), full.size() / 2, full.size() - 1}) {
    INFO("truncated to " << n << " of " << full.size());
    trit::test::write_bytes(dir / "cut.h5", std::span(full).first(n));
    REQUIRE_TRIT_ERROR(read_checkpoint(dir / "cut.h5"), "cut.h5: ");
  }
  // Flip bytes across the file: whatever HDF5 notices becomes a trit::Error, never a crash.
  for (size_t at = 0; at < full.size(); at += 97) {
    auto bad = full;
    bad[at] = std::byte(uint8_t(bad[at]) ^ 0x5a);
    trit::test::write_bytes(dir / "flip.h5", bad);
    try {
      (void)read_checkpoint(dir / "flip.h5");
    } catch (const trit::Error& e) {
      CHECK(std::string(e.what()).find("flip.h5") != std::string::npos);
    }
  }
}

// trit-write-fixtures OUT_DIR: writes fixture.gguf, fixture.safetensors and
// checkpoints/step_42.h5 (+ checkpoints/latest) with the contents that
// tests/python/test_{gguf,safetensors,checkpoint}_peer.py expect; keep the two in step.
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <limits>
#include <vector>

#include "trit/core/half.h"
#include "trit/formats/checkpoint.h"
#include "trit/formats/gguf_types.h"
#include "trit/formats/gguf_writer.h"
#include "trit/formats/safetensors.h"

using namespace trit::formats;

namespace {

template <typename T>
std::vector<std::byte> bytes_of(const std::vector<T>& v) {
  std::vector<std::byte> out(v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

// Two hand-built Q8_0 blocks: block 0 has d = 0.5 and q[j] = j - 16, block 1 has d = 0.25
// and q[j] = 15 - j (block layout: f16 d, then 32 int8 quants).
std::vector<std::byte> q8_0_blocks() {
  std::vector<std::byte> out;
  const float scales[2] = {0.5f, 0.25f};
  for (int b = 0; b < 2; ++b) {
    const uint16_t d = trit::float_to_f16(scales[b]);
    out.push_back(std::byte(d & 0xff));
    out.push_back(std::byte(d >> 8));
    for (int j = 0; j < 32; ++j) out.push_back(std::byte(uint8_t(int8_t(b == 0 ? j - 16 : 15 - j))));
  }
  return out;
}

void write_gguf(const std::filesystem::path& path) {
  GgufWriter w;
  auto& m = w.metadata();
  m.set("general.architecture", "trit-fixture");
  m.set(std::string(kGgufAlignmentKey), uint32_t{64});
  m.set("fixture.u8", uint8_t{200});
  m.set("fixture.i8", int8_t{-100});
  m.set("fixture.u16", uint16_t{60000});
  m.set("fixture.i16", int16_t{-30000});
  m.set("fixture.u32", uint32_t{4000000000u});
  m.set("fixture.i32", int32_t{-2000000000});
  m.set("fixture.f32", 3.25f);
  m.set("fixture.bool", true);
  m.set("fixture.string", "h\xc3\xa9llo w\xc3\xb6rld");
  m.set("fixture.u64", std::numeric_limits<uint64_t>::max());
  m.set("fixture.i64", std::numeric_limits<int64_t>::min());
  m.set("fixture.f64", -1.5e300);
  m.set("fixture.arr.u8", std::vector<uint8_t>{0, 1, 255});
  m.set("fixture.arr.i8", std::vector<int8_t>{-128, 0, 127});
  m.set("fixture.arr.u16", std::vector<uint16_t>{1, 65535});
  m.set("fixture.arr.i16", std::vector<int16_t>{-32768, 32767});
  m.set("fixture.arr.u32", std::vector<uint32_t>{7, 8, 9});
  m.set("fixture.arr.i32", std::vector<int32_t>{-1, 0, 1});
  m.set("fixture.arr.f32", std::vector<float>{0.5f, -2.0f, 0.001f});
  m.set("fixture.arr.bool", std::vector<bool>{true, false, true});
  m.set("fixture.arr.string", std::vector<std::string>{"a", "", "long string \xc3\xbc"});
  m.set("fixture.arr.u64", std::vector<uint64_t>{std::numeric_limits<uint64_t>::max(), 0});
  m.set("fixture.arr.i64", std::vector<int64_t>{std::numeric_limits<int64_t>::min(), 5});
  m.set("fixture.arr.f64", std::vector<double>{1e-300, 2.5});

  std::vector<float> f32(12);
  for (int i = 0; i < 12; ++i) f32[size_t(i)] = float(i) * 0.25f - 1.0f;
  std::vector<uint16_t> f16(16);
  for (int i = 0; i < 16; ++i) f16[size_t(i)] = trit::float_to_f16(float(i - 8) * 0.5f);
  std::vector<uint16_t> bf16;
  for (float v : {1.0f, -2.0f, 0.5f, 3.140625f, 0.0f}) bf16.push_back(trit::float_to_bf16(v));
  w.add_tensor("f32.tensor", uint32_t(GgmlType::F32), {4, 3}, bytes_of(f32));
  w.add_tensor("f16.tensor", uint32_t(GgmlType::F16), {8, 2}, bytes_of(f16));
  w.add_tensor("bf16.tensor", uint32_t(GgmlType::BF16), {5}, bytes_of(bf16));
  w.add_tensor("q8_0.tensor", uint32_t(GgmlType::Q8_0), {64}, q8_0_blocks());
  w.write(path);
}

void write_safetensors(const std::filesystem::path& path) {
  SafetensorsWriter w;
  w.metadata()["format"] = "pt";
  w.metadata()["note"] = "written by trit";
  std::vector<float> f32(6);
  for (int i = 0; i < 6; ++i) f32[size_t(i)] = float(i) * 1.5f;
  std::vector<uint16_t> f16, bf16;
  for (float v : {0.5f, -1.0f, 2.0f, 65504.0f}) f16.push_back(trit::float_to_f16(v));
  for (float v : {1.0f, -0.5f, 3.0f}) bf16.push_back(trit::float_to_bf16(v));
  w.add_tensor("f32", trit::DType::f32, {2, 3}, bytes_of(f32));
  w.add_tensor("f16", trit::DType::f16, {4}, bytes_of(f16));
  w.add_tensor("bf16", trit::DType::bf16, {3, 1}, bytes_of(bf16));
  w.add_tensor("i8", trit::DType::i8, {2, 2}, bytes_of(std::vector<int8_t>{-128, -1, 0, 127}));
  w.add_tensor("u8", trit::DType::u8, {3}, bytes_of(std::vector<uint8_t>{0, 128, 255}));
  w.add_tensor("f64", trit::DType::f64, {}, bytes_of(std::vector<double>{2.5}));
  w.add_tensor("i32", trit::DType::i32, {2}, bytes_of(std::vector<int32_t>{-2147483647 - 1, 2147483647}));
  w.write(path);
}

void write_checkpoint_fixture(const std::filesystem::path& run_dir) {
  Checkpoint c;
  c.model = "bitnet";
  c.config_json = R"({"model":{"dim":8,"layers":1},"optim":{"lr":0.001}})";
  c.step = 42;
  c.tokens = 172032;
  std::vector<float> q(8 * 8);
  for (size_t i = 0; i < q.size(); ++i) q[i] = float(i) / 64.0f - 0.5f;
  c.params["layers.0.attn.q.weight"] = NamedArray::from<float>(q, {8, 8});
  c.params["norm.weight"] = NamedArray::from<float>(std::vector<float>(8, 1.0f), {8});
  c.optim["m.layers.0.attn.q.weight"] = NamedArray::from<float>(std::vector<float>(64, 0.125f), {8, 8});
  c.optim["step"] = NamedArray::from<int64_t>(std::vector<int64_t>{42}, {});
  c.rng["cpu_state"] = NamedArray::from<uint64_t>(std::vector<uint64_t>{~uint64_t(0), 1, 2, 3}, {4});
  c.data["position"] = NamedArray::from<uint64_t>(std::vector<uint64_t>{123456789}, {1});
  c.data["order"] = NamedArray::from<uint32_t>(std::vector<uint32_t>{3, 1, 2}, {3});
  c.data["weights"] = NamedArray::from<double>(std::vector<double>{0.25, 0.75}, {2});
  c.data["flags"] = NamedArray::from<uint8_t>(std::vector<uint8_t>{1, 0}, {2});
  c.data["deltas"] = NamedArray::from<int32_t>(std::vector<int32_t>{-7, 7}, {2});
  c.data["signs"] = NamedArray::from<int8_t>(std::vector<int8_t>{-1, 1}, {2});
  write_checkpoint_atomically(run_dir, c);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: trit-write-fixtures OUT_DIR\n";
    return 2;
  }
  try {
    const std::filesystem::path out = argv[1];
    std::filesystem::create_directories(out);
    write_gguf(out / "fixture.gguf");
    write_safetensors(out / "fixture.safetensors");
    write_checkpoint_fixture(out);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "trit-write-fixtures: " << e.what() << "\n";
    return 1;
  }
}

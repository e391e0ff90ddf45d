#include <catch2/catch.hpp>

#include "support/temp_dir.h"

#include <fstream>
#include <random>

#include "trit/core/error.h"
#include "trit/data/byte_tokenizer.h"
#include "trit/data/dataset_file.h"

using namespace trit::data;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

using trit::test::TempDir;

std::vector<int32_t> random_ids(size_t n, int32_t n_vocab, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<int32_t> ids(n);
  for (auto& id : ids) id = static_cast<int32_t>(rng() % static_cast<uint32_t>(n_vocab));
  return ids;
}

// Writes train (in pieces) and val with small chunks so that flushing happens many times.
void write_file(const fs::path& path, const TokenizerSpec& spec, const std::vector<int32_t>& train,
                const std::vector<int32_t>& val, int compression = 0) {
  DatasetWriter w(path, spec,
                  {.compression = compression, .chunk_tokens = 1000, .encoding = "bytes",
                   .val_fraction = 0.25, .split_rule = "test rule"});
  std::span<const int32_t> rest(train);
  while (!rest.empty()) {
    size_t n = std::min<size_t>(rest.size(), 7777);
    w.append(Split::train, rest.first(n), static_cast<int64_t>(n) * 2);
    rest = rest.subspan(n);
  }
  w.append(Split::val, val, static_cast<int64_t>(val.size()) * 2);
  w.add_source({"a.txt", 123, std::string(64, 'a')});
  w.add_source({"dir/b.txt", 45, std::string(64, 'b')});
  w.finish();
}

std::vector<int32_t> read_all(const DatasetFile& f, Split s) {
  std::vector<int32_t> out(static_cast<size_t>(f.split(s).n_tokens));
  f.read(s, 0, f.split(s).n_tokens, out.data());
  return out;
}

TokenizerSpec big_vocab_spec(int n_vocab) {
  TokenizerSpec spec = byte_tokenizer_spec();
  spec.kind = "bpe";
  for (int i = 256; i < n_vocab; ++i) spec.tokens.push_back(std::to_string(i).insert(0, 1, 't'));
  return spec;
}

// Overwrites the first occurrence of `from` in the file's bytes with `to` (same length).
void patch_bytes(const fs::path& path, const std::string& from, const std::string& to) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t at = bytes.find(from);
  REQUIRE(at != std::string::npos);
  std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
  io.seekp(static_cast<std::streamoff>(at));
  io.write(to.data(), static_cast<std::streamsize>(to.size()));
}

}  // namespace

TEST_CASE("dataset file round-trips tokens, tokenizer and metadata") {
  TempDir dir;
  fs::path path = dir.path() / "d.h5";
  auto train = random_ids(50000, 256, 1), val = random_ids(3000, 256, 2);
  write_file(path, byte_tokenizer_spec(), train, val, 4);
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);

  DatasetFile f(path);
  CHECK(f.n_vocab() == 256);
  CHECK(f.make_tokenizer()->name() == "bytes");
  CHECK(f.attribute("format") == "trit-dataset");
  CHECK(f.attribute("encoding") == "bytes");
  CHECK(f.attribute("split_rule") == "test rule");
  CHECK(f.val_fraction() == 0.25);
  CHECK(f.split(Split::train).n_tokens == 50000);
  CHECK(f.split(Split::train).n_bytes == 100000);
  CHECK(f.split(Split::val).n_bytes == 6000);
  CHECK(read_all(f, Split::train) == train);
  CHECK(read_all(f, Split::val) == val);
  std::vector<int32_t> window(10);
  f.read(Split::train, 12345, 10, window.data());
  CHECK(std::equal(window.begin(), window.end(), train.begin() + 12345));
  REQUIRE(f.sources().size() == 2);
  CHECK(f.sources()[1].path == "dir/b.txt");
  CHECK(f.sources()[1].n_bytes == 45);
  CHECK(f.sources()[0].sha256 == std::string(64, 'a'));
  CHECK_THROWS_WITH(f.read(Split::val, 2999, 2, window.data()),
                    Contains("d.h5") && Contains("outside split val"));
}

TEST_CASE("dataset file stores ids as int32 when the vocabulary exceeds 65536") {
  TempDir dir;
  fs::path path = dir.path() / "big.h5";
  auto spec = big_vocab_spec(70000);
  auto train = random_ids(5000, 70000, 3);
  train[17] = 69999;
  write_file(path, spec, train, {});
  DatasetFile f(path);
  CHECK(f.n_vocab() == 70000);
  CHECK(read_all(f, Split::train) == train);
  CHECK(f.split(Split::val).n_tokens == 0);
  CHECK(f.tokenizer_spec().tokens[69999] == "t69999");
}

TEST_CASE("dataset writer rejects bad ids and leaves nothing behind when not finished") {
  TempDir dir;
  fs::path path = dir.path() / "d.h5";
  {
    DatasetWriter w(path, byte_tokenizer_spec(), {});
    std::vector<int32_t> bad{1, 2, 256};
    CHECK_THROWS_WITH(w.append(Split::train, bad, 3), Contains("256"));
    std::vector<int32_t> ok{1, 2};
    w.append(Split::train, ok, 2);
  }
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("dataset reader gives one clear error for broken files") {
  TempDir dir;
  fs::path path = dir.path() / "d.h5";
  auto train = random_ids(200000, 256, 4);
  for (int i = 0; i < 8; ++i) train[150000 + i] = 200 + i;
  write_file(path, byte_tokenizer_spec(), train, random_ids(100, 256, 5));

  SECTION("missing file") {
    CHECK_THROWS_WITH(DatasetFile(dir.path() / "nope.h5"), Contains("nope.h5"));
  }
  SECTION("not HDF5") {
    std::ofstream(dir.path() / "text.h5") << "hello world\n";
    CHECK_THROWS_WITH(DatasetFile(dir.path() / "text.h5"),
                      Contains("text.h5") && Contains("not an HDF5 file"));
  }
  SECTION("truncated") {
    auto size = fs::file_size(path);
    for (auto keep : {size / 2, size - 100, uintmax_t{1000}}) {
      fs::path cut = dir.path() / "cut.h5";
      fs::copy_file(path, cut, fs::copy_options::overwrite_existing);
      fs::resize_file(cut, keep);
      INFO("kept " << keep << " of " << size);
      CHECK_THROWS_WITH(DatasetFile(cut), Contains("cut.h5"));
    }
  }
  SECTION("corrupt token data") {
    // ids 200..207 at position 150000, stored as uint16 little-endian
    std::string pattern, changed;
    for (int id = 200; id < 208; ++id) pattern += {static_cast<char>(id), '\0'};
    changed = pattern;
    changed[6] = 'x';
    patch_bytes(path, pattern, changed);
    DatasetFile f(path);  // metadata intact
    CHECK_THROWS_WITH(read_all(f, Split::train), Contains("d.h5") && Contains("corrupt"));
  }
  SECTION("wrong format") {
    patch_bytes(path, "trit-dataset", "trit-datasex");
    CHECK_THROWS_WITH(DatasetFile(path), Contains("d.h5") && Contains("trit-datasex"));
  }
}

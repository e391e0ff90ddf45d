#include <catch2/catch.hpp>

#include "support/temp_dir.h"

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "trit/core/error.h"
#include "trit/data/prepare.h"
#include "trit/data/sha256.h"

using namespace trit::data;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

using trit::test::TempDir;

std::string shared_text(size_t max_bytes) {
  std::ifstream in(std::string(TRIT_SHARED_DIR) + "/datasets/tinyshakespeare.txt", std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str().substr(0, max_bytes);
}

std::vector<int32_t> read_all(const DatasetFile& f, Split s) {
  std::vector<int32_t> out(static_cast<size_t>(f.split(s).n_tokens));
  f.read(s, 0, f.split(s).n_tokens, out.data());
  return out;
}

}  // namespace

TEST_CASE("prepare with bytes stores the input stream split at 90%") {
  TempDir d;
  std::string a = "First file.\n", b = std::string("second\0file\xff", 12);
  d.write("in/1.txt", a);
  d.write("in/2.bin", b);
  PrepareOptions opt{.inputs = {(d.path() / "in").string()}, .output = d.path() / "out.h5",
                     .encoding = "bytes", .block_bytes = 5};
  auto report = prepare_dataset(opt);
  CHECK(report.total_bytes == 24);
  DatasetFile f(opt.output);
  auto tok = f.make_tokenizer();
  const int64_t train_bytes = static_cast<int64_t>(std::floor(24 * 0.9));  // 21
  CHECK(f.split(Split::train).n_bytes == train_bytes);
  CHECK(f.split(Split::val).n_bytes == 24 - train_bytes);
  CHECK(tok->decode(read_all(f, Split::train)) + tok->decode(read_all(f, Split::val)) == a + b);
  REQUIRE(f.sources().size() == 2);
  CHECK(f.sources()[1].sha256 == sha256_hex(b));
  CHECK(f.sources()[0].n_bytes == 12);
  CHECK(f.attribute("encoding") == "bytes");
  CHECK(fs::is_regular_file(opt.output));
  CHECK(std::distance(fs::directory_iterator(d.path()), fs::directory_iterator()) == 2);
}

TEST_CASE("prepare with BPE encodes each side of the split like the tokenizer does") {
  TempDir d;
  std::string text = shared_text(60000);
  d.write("s.txt", text);
  PrepareOptions opt{.inputs = {(d.path() / "s.txt").string()}, .output = d.path() / "bpe.h5",
                     .tokenizer = "bpe:400", .val_fraction = 0.2, .block_bytes = 777};
  auto report = prepare_dataset(opt);
  CHECK(report.tokenizer == "bpe:400");
  CHECK(report.bpe_sample_bytes == 48000);
  DatasetFile f(opt.output);
  auto tok = f.make_tokenizer();
  CHECK(tok->n_vocab() == 400);
  CHECK(read_all(f, Split::train) == tok->encode(text.substr(0, 48000)));
  CHECK(read_all(f, Split::val) == tok->encode(text.substr(48000)));
  CHECK(f.split(Split::train).n_bytes == 48000);
  CHECK(report.train.n_tokens == f.split(Split::train).n_tokens);

  // Training on a smaller sample gives another vocabulary, still round-tripping.
  opt.bpe_sample_bytes = 5000;
  opt.output = d.path() / "small.h5";
  auto small = prepare_dataset(opt);
  CHECK(small.bpe_sample_bytes == 5000);
  DatasetFile g(opt.output);
  CHECK(g.tokenizer_spec().tokens != f.tokenizer_spec().tokens);
  CHECK(g.make_tokenizer()->decode(read_all(g, Split::train)) == text.substr(0, 48000));
}

TEST_CASE("prepare streams whitespace before words exactly like whole-text encoding") {
  // "\t\n" at the end of a file is one pre-token (and becomes a merge); before a word it is
  // two. Small blocks make the stream stop right after such runs.
  TempDir d;
  std::vector<std::string> inputs;
  std::string body;
  for (int i = 0; i < 300; ++i) body += "ab\t\ncd \t\nef\t\n\tgh ";
  std::vector<std::string> texts;
  for (int f = 0; f < 6; ++f) {
    texts.push_back(f == 0 ? body : "x\t\n");
    std::string name = "f0.txt";
    name[1] = static_cast<char>('0' + f);
    inputs.push_back(d.write(name, texts.back()).string());
  }
  PrepareOptions opt{.inputs = inputs, .output = d.path() / "w.h5", .tokenizer = "bpe:300",
                     .val_fraction = 0};
  for (size_t block : {3, 5, 7, 11}) {
    opt.block_bytes = block;
    prepare_dataset(opt);
    DatasetFile f(opt.output);
    auto tok = f.make_tokenizer();
    std::vector<int32_t> expected;
    for (const auto& t : texts) tok->encode(t, expected);
    INFO("block " << block);
    CHECK(read_all(f, Split::train) == expected);
  }
}

TEST_CASE("prepare with BPE in bytes mode round-trips binary input") {
  TempDir d;
  std::mt19937 rng(17);
  std::string bin;
  for (int i = 0; i < 30000; ++i) bin += static_cast<char>(rng() % 7 == 0 ? ' ' : rng() % 40);
  d.write("x.bin", bin);
  PrepareOptions opt{.inputs = {(d.path() / "x.bin").string()}, .output = d.path() / "x.h5",
                     .tokenizer = "bpe:500", .encoding = "bytes", .block_bytes = 1000};
  prepare_dataset(opt);
  DatasetFile f(opt.output);
  auto tok = f.make_tokenizer();
  CHECK(tok->n_vocab() > 300);
  CHECK(tok->decode(read_all(f, Split::train)) + tok->decode(read_all(f, Split::val)) == bin);
}

TEST_CASE("prepare in utf8 mode moves the split to a character start") {
  TempDir d;
  std::string text;
  for (int i = 0; i < 10; ++i) text += "\xe2\x82\xac";  // 30 bytes of euro signs
  d.write("e.txt", text);
  PrepareOptions opt{.inputs = {(d.path() / "e.txt").string()}, .output = d.path() / "e.h5",
                     .val_fraction = 0.1, .block_bytes = 2};
  prepare_dataset(opt);  // floor(30 * 0.9) = 27 is a character start
  DatasetFile f(opt.output);
  CHECK(f.split(Split::train).n_bytes == 27);
  opt.val_fraction = 0.15;  // floor(25.5) = 25 is inside a character: moves to 27
  opt.output = d.path() / "e2.h5";
  prepare_dataset(opt);
  DatasetFile g(opt.output);
  CHECK(g.split(Split::train).n_bytes == 27);
  CHECK(g.split(Split::val).n_bytes == 3);
}

TEST_CASE("prepare reports invalid UTF-8 with file and offset and writes nothing") {
  TempDir d;
  d.write("ok.txt", "fine\n");
  d.write("bad.txt", "abc\xc3(def");
  PrepareOptions opt{.inputs = {(d.path() / "ok.txt").string(), (d.path() / "bad.txt").string()},
                     .output = d.path() / "out.h5"};
  CHECK_THROWS_WITH(prepare_dataset(opt), Contains("bad.txt") && Contains("offset 3"));
  opt.tokenizer = "bpe:300";
  CHECK_THROWS_WITH(prepare_dataset(opt), Contains("bad.txt") && Contains("offset 3"));
  CHECK_FALSE(fs::exists(opt.output));
  CHECK(std::distance(fs::directory_iterator(d.path()), fs::directory_iterator()) == 2);
  opt.encoding = "bytes";
  CHECK_NOTHROW(prepare_dataset(opt));
}

TEST_CASE("prepare skips its own output inside an input folder") {
  TempDir d;
  d.write("in/a.txt", "some text\n");
  PrepareOptions opt{.inputs = {(d.path() / "in").string()}, .output = d.path() / "in" / "out.h5"};
  prepare_dataset(opt);
  auto again = prepare_dataset(opt);  // out.h5 now exists in the folder
  CHECK(again.n_files == 1);
  CHECK(again.total_bytes == 10);
}

TEST_CASE("prepare rejects bad options") {
  TempDir d;
  d.write("t.txt", "text");
  d.write("empty.txt", "");
  PrepareOptions opt{.inputs = {(d.path() / "t.txt").string()}, .output = d.path() / "o.h5"};
  auto with = [&](auto change) {
    PrepareOptions o = opt;
    change(o);
    return o;
  };
  CHECK_THROWS_WITH(prepare_dataset(with([](auto& o) { o.tokenizer = "bpe:10"; })), Contains("257"));
  CHECK_THROWS_WITH(prepare_dataset(with([](auto& o) { o.tokenizer = "wordpiece"; })),
                    Contains("wordpiece"));
  CHECK_THROWS_WITH(prepare_dataset(with([](auto& o) { o.val_fraction = 1.0; })), Contains("[0, 1)"));
  CHECK_THROWS_WITH(prepare_dataset(with([](auto& o) { o.encoding = "latin1"; })), Contains("latin1"));
  CHECK_THROWS_WITH(prepare_dataset(with([&](auto& o) { o.inputs = {(d.path() / "empty.txt").string()}; })),
                    Contains("empty"));
  CHECK(parse_tokenizer_choice("bpe:4096") == 4096);
  CHECK(parse_tokenizer_choice("bytes") == 0);
  CHECK_THROWS_AS(parse_tokenizer_choice("bpe:12x"), trit::Error);
}

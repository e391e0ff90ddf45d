#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "trit/core/error.h"
#include "trit/data/byte_tokenizer.h"
#include "trit/data/sampler.h"

using namespace trit::data;
namespace fs = std::filesystem;

namespace {

// A dataset whose token at position p is p % 251 (train) and a short val split, written once.
struct Fixture {
  fs::path dir, path;
  int64_t n_train = 100000;
  Fixture() {
    dir = fs::temp_directory_path() / std::to_string(std::random_device{}()).insert(0, "trit_sampler_");
    fs::create_directories(dir);
    path = dir / "d.h5";
    DatasetWriter w(path, byte_tokenizer_spec(), {.chunk_tokens = 4096});
    std::vector<int32_t> ids(static_cast<size_t>(n_train));
    for (int64_t p = 0; p < n_train; ++p) ids[p] = static_cast<int32_t>(p % 251);
    w.append(Split::train, ids, n_train);
    std::vector<int32_t> val(1000);
    for (int p = 0; p < 1000; ++p) val[p] = p % 256;
    w.append(Split::val, val, 1000);
    w.finish();
  }
  ~Fixture() { fs::remove_all(dir); }
};

const Fixture& fixture() {
  static Fixture f;
  return f;
}

std::vector<std::vector<int32_t>> run(BatchSampler& s, int steps) {
  std::vector<std::vector<int32_t>> out(steps);
  for (auto& b : out) s.next(b);
  return out;
}

}  // namespace

TEST_CASE("random windows are contiguous slices inside the split") {
  DatasetFile file(fixture().path);
  TokenSplit train(file, Split::train);
  CHECK(train.in_memory());
  const int64_t B = 8, T = 64;
  BatchSampler s(train, B, T, {.seed = 1});
  std::set<int64_t> starts;
  for (int step = 0; step < 50; ++step) {
    std::vector<int32_t> w;
    s.next(w);
    REQUIRE(w.size() == static_cast<size_t>(B * (T + 1)));
    for (int64_t b = 0; b < B; ++b) {
      int64_t start = s.window_start(static_cast<uint64_t>(step), b);
      REQUIRE(start >= 0);
      REQUIRE(start + T + 1 <= fixture().n_train);
      starts.insert(start);
      for (int64_t t = 0; t <= T; ++t) REQUIRE(w[b * (T + 1) + t] == (start + t) % 251);
    }
  }
  CHECK(starts.size() > 390);  // 400 draws from ~100k starts rarely repeat
  CHECK(s.state().next_step == 50);
}

TEST_CASE("sampler is deterministic and resumes exactly from its state") {
  DatasetFile file(fixture().path);
  TokenSplit train(file, Split::train);
  BatchSampler a(train, 4, 32, {.seed = 42});
  BatchSampler b(train, 4, 32, {.seed = 42});
  auto batches = run(a, 10);
  CHECK(run(b, 10) == batches);

  BatchSampler c(train, 4, 32, {.seed = 42});
  run(c, 6);
  SamplerState saved = c.state();
  CHECK(saved.next_step == 6);
  BatchSampler resumed(train, 4, 32, saved);
  auto tail = run(resumed, 4);
  CHECK(std::equal(tail.begin(), tail.end(), batches.begin() + 6));

  BatchSampler other(train, 4, 32, {.seed = 43});
  CHECK(run(other, 10) != batches);
}

TEST_CASE("ranks draw disjoint samples that together equal one large batch") {
  DatasetFile file(fixture().path);
  TokenSplit train(file, Split::train);
  const int W = 3, B = 4, T = 16;
  BatchSampler whole(train, B * W, T, {.seed = 9});
  for (int step = 0; step < 5; ++step) {
    std::vector<int32_t> big;
    whole.next(big);
    std::vector<int32_t> joined;
    for (int r = 0; r < W; ++r) {
      BatchSampler part(train, B, T, {.seed = 9, .next_step = static_cast<uint64_t>(step)}, r, W);
      std::vector<int32_t> w;
      part.next(w);
      joined.insert(joined.end(), w.begin(), w.end());
    }
    CHECK(joined == big);
  }
  CHECK_THROWS_AS(BatchSampler(train, B, T, {}, 3, 3), trit::Error);
}

TEST_CASE("hyperslab reads give the same batches as the in-memory split") {
  DatasetFile file(fixture().path);
  TokenSplit memory(file, Split::train);
  TokenSplit disk(file, Split::train, 0);
  CHECK_FALSE(disk.in_memory());
  BatchSampler a(memory, 4, 100, {.seed = 5}), b(disk, 4, 100, {.seed = 5});
  CHECK(run(a, 5) == run(b, 5));
}

TEST_CASE("sequential windows cover the split once, shared among ranks") {
  DatasetFile file(fixture().path);
  TokenSplit val(file, Split::val);
  const int64_t T = 64;  // 999 / 64 = 15 windows
  SequentialWindows all(val, T);
  CHECK(all.n_windows() == 15);
  std::vector<int32_t> w;
  CHECK(all.next(100, w) == 15);
  for (int64_t k = 0; k < 15; ++k)
    for (int64_t t = 0; t <= T; ++t) REQUIRE(w[k * (T + 1) + t] == (k * T + t) % 256);
  CHECK(all.next(100, w) == 0);
  all.reset();
  CHECK(all.next(4, w) == 4);

  int64_t total = 0;
  for (int r = 0; r < 4; ++r) {
    SequentialWindows part(val, T, r, 4);
    int64_t n = 0, got;
    while ((got = part.next(3, w)) > 0) {
      for (int64_t i = 0; i < got; ++i) {
        int64_t k = r + 4 * (n + i);  // rank r takes windows r, r + 4, ...
        for (int64_t t = 0; t <= T; ++t) REQUIRE(w[i * (T + 1) + t] == (k * T + t) % 256);
      }
      n += got;
    }
    CHECK(n == part.n_windows());
    total += n;
  }
  CHECK(total == 15);

  SequentialWindows capped(val, T, 0, 1, 5);
  CHECK(capped.n_windows() == 5);
}

TEST_CASE("sampler refuses a split shorter than one window") {
  DatasetFile file(fixture().path);
  TokenSplit val(file, Split::val);
  CHECK_THROWS_WITH(BatchSampler(val, 1, 1000, {}),
                    Catch::Contains("d.h5") && Catch::Contains("val") && Catch::Contains("too few"));
  CHECK_THROWS_AS(SequentialWindows(val, 1000), trit::Error);
  CHECK(SequentialWindows(val, 999).n_windows() == 1);
}

TEST_CASE("split_windows separates inputs and targets") {
  std::vector<int32_t> w{1, 2, 3, 4, 5, 6}, in, tg;
  split_windows(w, 2, in, tg);
  CHECK(in == std::vector<int32_t>{1, 2, 4, 5});
  CHECK(tg == std::vector<int32_t>{2, 3, 5, 6});
}

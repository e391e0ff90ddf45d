#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "trit/runtime/thread_pool.h"

using namespace trit::runtime;

TEST_CASE("parallel_for covers the range once in static contiguous chunks") {
  for (size_t threads : {1, 2, 3, 4}) {
    ThreadPool pool(threads);
    CHECK(pool.size() == threads);
    for (size_t n : {0, 1, 2, 3, 5, 100, 1001}) {
      std::vector<std::atomic<int>> hits(n + 10);
      std::vector<std::atomic<size_t>> chunk_begin(threads), chunk_end(threads);
      for (size_t i = 0; i < threads; ++i) chunk_begin[i] = chunk_end[i] = size_t(-1);
      pool.parallel_for(10, 10 + n, [&](size_t b, size_t e, size_t chunk) {
        chunk_begin[chunk] = b;
        chunk_end[chunk] = e;
        for (size_t i = b; i < e; ++i) hits[i]++;
      });
      for (size_t i = 0; i < 10; ++i) CHECK(hits[i] == 0);
      for (size_t i = 10; i < 10 + n; ++i) CHECK(hits[i] == 1);
      if (n >= threads && n > 1) {
        for (size_t c = 0; c < threads; ++c) {
          CHECK(chunk_begin[c] == 10 + n * c / threads);
          CHECK(chunk_end[c] == 10 + n * (c + 1) / threads);
        }
      }
    }
  }
}

TEST_CASE("work really runs on several threads") {
  ThreadPool pool(2, 1000);
  std::atomic<int> arrived{0};
  std::vector<std::thread::id> ids(2);
  pool.parallel_for(0, 2, [&](size_t b, size_t, size_t chunk) {
    ids[chunk] = std::this_thread::get_id();
    arrived++;
    // Both chunks must be in flight at once for this to finish.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (arrived < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  });
  CHECK(arrived == 2);
  CHECK(ids[0] == std::this_thread::get_id());
  CHECK(ids[1] != ids[0]);
}

TEST_CASE("an exception in a chunk reaches the caller and the pool stays usable") {
  ThreadPool pool(3);
  CHECK_THROWS_WITH(pool.parallel_for(0, 30,
                                      [](size_t b, size_t, size_t) {
                                        if (b >= 10) throw std::runtime_error("chunk failed");
                                      }),
                    "chunk failed");
  std::atomic<size_t> total{0};
  pool.parallel_for(0, 30, [&](size_t b, size_t e, size_t) { total += e - b; });
  CHECK(total == 30);
}

TEST_CASE("nested parallel_for runs inline instead of deadlocking") {
  ThreadPool pool(2);
  std::atomic<size_t> total{0};
  pool.parallel_for(0, 4, [&](size_t b, size_t e, size_t) {
    for (size_t i = b; i < e; ++i) {
      pool.parallel_for(0, 10, [&](size_t bb, size_t ee, size_t) { total += ee - bb; });
    }
  });
  CHECK(total == 40);
}

TEST_CASE("many dispatches, including after workers went to sleep") {
  ThreadPool pool(2, 20);
  std::atomic<size_t> total{0};
  for (int i = 0; i < 20000; ++i) {
    pool.parallel_for(0, 2, [&](size_t b, size_t e, size_t) { total += e - b; });
  }
  CHECK(total == 40000);
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));  // past the spin: workers sleep
    pool.parallel_for(0, 2, [&](size_t b, size_t e, size_t) { total += e - b; });
  }
  CHECK(total == 40010);
}

TEST_CASE("zero threads means the hardware concurrency") {
  ThreadPool pool(0);
  CHECK(pool.size() == std::max(1u, std::thread::hardware_concurrency()));
}

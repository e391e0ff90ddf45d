#include "trit/autograd/parallel_tasks.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <vector>

using namespace trit;

namespace {

// Sets the thread count for a scope.
struct ThreadCount {
  explicit ThreadCount(int n) : prev(max_threads()) { set_num_threads(n); }
  ~ThreadCount() { set_num_threads(prev); }
  int prev;
};

}  // namespace

TEST_CASE("parallel_tasks runs every task once, on several threads, and nested calls run inline") {
  const ThreadCount threads(4);
  const int64_t n = 100;
  std::vector<std::atomic<int>> runs(n);
  std::atomic<int> in_parallel{0}, nested_runs{0};
  parallel_tasks(n, [&](int64_t i) {
    runs[size_t(i)].fetch_add(1);
    if (omp_in_parallel()) in_parallel.fetch_add(1);
    parallel_tasks(3, [&](int64_t) { nested_runs.fetch_add(1); });
  });
  for (int64_t i = 0; i < n; ++i) CHECK(runs[size_t(i)].load() == 1);
  CHECK(in_parallel.load() == n);
  CHECK(nested_runs.load() == 3 * n);
  int calls = 0;
  parallel_tasks(0, [&](int64_t) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("parallel_tasks gives every task the caller's grad mode and autocast") {
  const ThreadCount threads(4);
  const int64_t n = 64;
  for (const bool grad : {true, false}) {
    for (const DType dtype : {DType::bf16, DType::f16}) {
      INFO("grad mode " << grad << ", autocast " << dtype_name(dtype));
      const bool prev_grad = GradMode::enabled();
      GradMode::set_enabled(grad);
      std::atomic<int> wrong{0};
      {
        const AutocastGuard autocast(dtype);
        parallel_tasks(n, [&](int64_t) {
          if (GradMode::enabled() != grad || !autocast_enabled() || autocast_dtype() != dtype) wrong.fetch_add(1);
        });
        CHECK(autocast_enabled());
      }
      CHECK(GradMode::enabled() == grad);
      GradMode::set_enabled(prev_grad);
      CHECK(wrong.load() == 0);
    }
  }
}

TEST_CASE("parallel_tasks rethrows a task's exception on the calling thread") {
  const ThreadCount threads(4);
  auto failing = [&](int64_t i) {
    if (i == 5) throw std::runtime_error("task 5 failed");
  };
  CHECK_THROWS_WITH(parallel_tasks(1000, failing), "task 5 failed");
  const ThreadCount one(1);
  CHECK_THROWS_WITH(parallel_tasks(10, failing), "task 5 failed");
}

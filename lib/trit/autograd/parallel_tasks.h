#pragma once
// Independent tasks on the CPU's OpenMP threads, each thread running with the caller's
// per-thread modes (GradMode, autocast): a worker starts with the defaults, so an op inside a
// task would otherwise record the graph, or skip autocast, where its caller would not.
// Tasks are handed out one at a time in index order (dynamic schedule): put the longest first.
// Ops inside a task run on their own thread (parallel_for and OpenBLAS's OpenMP build do not
// nest), so a task's result does not depend on the thread count. OpenMP cannot carry an
// exception out of a parallel region: the first one a task throws is rethrown here once every
// thread has stopped (tasks not yet started are skipped).
#include <atomic>
#include <exception>

#include "trit/autograd/autocast.h"
#include "trit/autograd/grad_mode.h"
#include "trit/core/parallel.h"

namespace trit {

template <typename Fn>
void parallel_tasks(int64_t n_tasks, Fn&& task) {
  if (n_tasks <= 0) return;
  const int n_threads = int(std::min<int64_t>(max_threads(), n_tasks));
  if (n_threads <= 1 || omp_in_parallel()) {
    for (int64_t i = 0; i < n_tasks; ++i) task(i);
    return;
  }
  const bool grad_mode = GradMode::enabled(), autocast_on = autocast_enabled();
  const DType autocast_to = autocast_dtype();
  std::exception_ptr error;
  std::atomic<bool> failed{false};
#pragma omp parallel num_threads(n_threads)
  {
    const bool prev_grad_mode = GradMode::enabled();
    GradMode::set_enabled(grad_mode);
    {
      const AutocastGuard autocast(autocast_to, autocast_on);
#pragma omp for schedule(dynamic, 1)
      for (int64_t i = 0; i < n_tasks; ++i) {
        if (failed.load(std::memory_order_relaxed)) continue;
        try {
          task(i);
        } catch (...) {
#pragma omp critical(trit_parallel_tasks_error)
          if (!error) error = std::current_exception();
          failed.store(true, std::memory_order_relaxed);
        }
      }
    }
    GradMode::set_enabled(prev_grad_mode);
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace trit

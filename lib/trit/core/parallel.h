#pragma once
// CPU parallelism through OpenMP. parallel_for splits [0, n) into contiguous chunks, one per
// thread, and runs serially when the work is too small to pay for waking threads.
#include <omp.h>

#include <algorithm>
#include <cstdint>

namespace trit {

inline int max_threads() { return omp_get_max_threads(); }
void set_num_threads(int n);  // also sets OpenBLAS's thread count

// fn(begin, end) over chunks of [0, n). `grain` is the least work per chunk worth a thread.
template <typename Fn>
void parallel_for(int64_t n, int64_t grain, Fn&& fn) {
  if (n <= 0) return;
  const int64_t max_chunks = std::max<int64_t>(1, n / std::max<int64_t>(grain, 1));
  const int n_threads = int(std::min<int64_t>(max_threads(), max_chunks));
  if (n_threads <= 1 || omp_in_parallel()) {
    fn(int64_t(0), n);
    return;
  }
#pragma omp parallel num_threads(n_threads)
  {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t begin = n * t / nt, end = n * (t + 1) / nt;
    if (begin < end) fn(begin, end);
  }
}

}  // namespace trit

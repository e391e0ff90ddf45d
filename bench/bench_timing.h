#pragma once
// Timing helpers shared by the CPU benchmarks: wall and this thread's CPU time of one call
// (the thread CPU time is the robust number on a machine other processes load), and medians.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace trit::bench {

inline double wall_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline double thread_cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Sample {
  double wall = 0, cpu = 0;
};

template <typename Fn>
Sample timed(Fn&& fn) {
  const double w0 = wall_now(), c0 = thread_cpu_now();
  fn();
  return {wall_now() - w0, thread_cpu_now() - c0};
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace trit::bench

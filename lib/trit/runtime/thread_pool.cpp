#include "trit/runtime/thread_pool.h"

#include <omp.h>

#include <algorithm>
#include <chrono>

#include "trit/core/error.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TRIT_CPU_RELAX() _mm_pause()
#else
#define TRIT_CPU_RELAX() ((void)0)
#endif

namespace trit::runtime {
namespace {

thread_local bool inside_pool_chunk = false;

// Spins until pred() holds or spin_us elapse; returns whether pred() held.
template <class Pred>
bool spin_until(Pred pred, unsigned spin_us) {
  if (pred()) return true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(spin_us);
  for (unsigned i = 1;; ++i) {
    TRIT_CPU_RELAX();
    if (pred()) return true;
    if ((i & 63) == 0 && std::chrono::steady_clock::now() >= deadline) return false;
  }
}

}  // namespace

ThreadPool::ThreadPool(size_t n_threads, unsigned spin_us) : spin_us_(spin_us) {
  if (n_threads == 0) n_threads = std::max(1u, std::thread::hardware_concurrency());
  TRIT_CHECK(n_threads <= 1024, "ThreadPool: ", n_threads, " threads requested, at most 1024");
  claims_ = std::vector<ChunkClaim>(n_threads);
  workers_.reserve(n_threads - 1);
  for (size_t i = 1; i < n_threads; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  stop_.store(true, std::memory_order_seq_cst);
  generation_.fetch_add(1, std::memory_order_seq_cst);
  generation_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::run_chunk(size_t chunk) noexcept {
  const size_t n = job_end_ - job_begin_;
  const size_t parts = size();
  const size_t b = job_begin_ + n * chunk / parts;
  const size_t e = job_begin_ + n * (chunk + 1) / parts;
  if (b == e) return;
  inside_pool_chunk = true;
  try {
    job_fn_(job_ctx_, b, e, chunk);
  } catch (...) {
    std::lock_guard<std::mutex> lock(error_mutex_);
    if (!job_error_) job_error_ = std::current_exception();
  }
  inside_pool_chunk = false;
}

void ThreadPool::claim_and_run(uint64_t job, size_t first) {
  const size_t parts = size();
  for (size_t k = 0; k < parts; ++k) {
    const size_t chunk = (first + k) % parts;
    // A chunk is free for `job` while its claim holds an older job id. A thread that woke
    // late for a finished job finds every claim at that id (or newer) and takes nothing.
    uint64_t seen = claims_[chunk].job.load(std::memory_order_relaxed);
    if (seen >= job) continue;
    if (!claims_[chunk].job.compare_exchange_strong(seen, job, std::memory_order_acq_rel)) continue;
    run_chunk(chunk);
    if (done_.fetch_add(1, std::memory_order_seq_cst) + 1 == parts &&
        caller_sleeping_.load(std::memory_order_seq_cst)) {
      done_.notify_one();
    }
  }
}

void ThreadPool::worker_loop(size_t index) {
  omp_set_num_threads(1);  // code run by the pool (BLAS included) must not start OpenMP teams
  uint64_t seen = 0;
  for (;;) {
    auto fresh = [&] { return generation_.load(std::memory_order_acquire) != seen; };
    if (!spin_until(fresh, spin_us_)) {
      // Announce the sleep before re-checking, so a dispatcher that bumped generation_
      // either sees us sleeping (and notifies) or we see its bump (seq_cst on both sides).
      sleeping_workers_.fetch_add(1, std::memory_order_seq_cst);
      while (generation_.load(std::memory_order_seq_cst) == seen) generation_.wait(seen);
      sleeping_workers_.fetch_sub(1, std::memory_order_seq_cst);
    }
    seen = generation_.load(std::memory_order_acquire);
    if (stop_.load(std::memory_order_acquire)) return;
    claim_and_run(seen, index);
  }
}

void ThreadPool::run(size_t begin, size_t end, ChunkFn fn, void* ctx) {
  if (end <= begin) return;
  if (workers_.empty() || inside_pool_chunk || end - begin == 1) {
    fn(ctx, begin, end, 0);
    return;
  }
  std::lock_guard<std::mutex> dispatch_lock(dispatch_mutex_);
  job_fn_ = fn;
  job_ctx_ = ctx;
  job_begin_ = begin;
  job_end_ = end;
  job_error_ = nullptr;
  done_.store(0, std::memory_order_relaxed);
  const uint64_t job = generation_.fetch_add(1, std::memory_order_seq_cst) + 1;  // publishes
  if (sleeping_workers_.load(std::memory_order_seq_cst) > 0) generation_.notify_all();

  claim_and_run(job, 0);

  const size_t parts = size();
  auto done = [&] { return done_.load(std::memory_order_acquire) == parts; };
  if (!spin_until(done, spin_us_)) {
    caller_sleeping_.store(true, std::memory_order_seq_cst);
    for (size_t d; (d = done_.load(std::memory_order_seq_cst)) != parts;) done_.wait(d);
    caller_sleeping_.store(false, std::memory_order_relaxed);
  }
  if (job_error_) std::rethrow_exception(job_error_);
}

}  // namespace trit::runtime

#pragma once
// A persistent pool of worker threads for the runtime's kernels.
//
// Threads are created once. parallel_for splits [begin, end) into size() contiguous chunks
// (static partitioning: chunk i is [begin + n*i/T, begin + n*(i+1)/T)). Thread i (the caller
// is thread 0) runs chunk i, then claims any chunk nobody has started: on a shared machine a
// descheduled worker's chunk is taken by a thread that is running instead of stalling the
// call. parallel_for returns when all chunks are done. Idle workers
// spin for `spin_us` microseconds (so back-to-back calls, as in a token's many matmuls, cost
// microseconds) and then sleep on a futex (std::atomic::wait) so an idle pool uses no CPU.
// The first exception thrown by a chunk is rethrown in the caller after all chunks finish.
// A parallel_for issued from inside a chunk runs serially on that thread (no deadlock).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace trit::runtime {

class ThreadPool {
 public:
  // n_threads counts the calling thread: 1 means no workers (everything runs inline);
  // 0 means std::thread::hardware_concurrency().
  explicit ThreadPool(size_t n_threads = 0, unsigned spin_us = 100);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t size() const { return workers_.size() + 1; }

  // fn(begin, end, chunk_index) for each non-empty chunk.
  template <class Fn>
  void parallel_for(size_t begin, size_t end, Fn&& fn) {
    auto trampoline = [](void* ctx, size_t b, size_t e, size_t i) {
      (*static_cast<std::remove_reference_t<Fn>*>(ctx))(b, e, i);
    };
    run(begin, end, trampoline, const_cast<void*>(static_cast<const void*>(&fn)));
  }

 private:
  using ChunkFn = void (*)(void* ctx, size_t begin, size_t end, size_t chunk);

  void run(size_t begin, size_t end, ChunkFn fn, void* ctx);
  void run_chunk(size_t chunk) noexcept;
  // Runs the chunks of job `job` this thread can claim, starting with `first`.
  void claim_and_run(uint64_t job, size_t first);
  void worker_loop(size_t index);

  struct alignas(64) ChunkClaim {
    std::atomic<uint64_t> job{0};  // the last job whose chunk was claimed
  };

  std::vector<std::thread> workers_;
  std::vector<ChunkClaim> claims_;  // one per chunk
  unsigned spin_us_;
  std::mutex dispatch_mutex_;  // one parallel_for at a time from outside threads

  // The current job, written by the caller before generation_ (the job id) is bumped and
  // stable until every chunk is done.
  ChunkFn job_fn_ = nullptr;
  void* job_ctx_ = nullptr;
  size_t job_begin_ = 0;
  size_t job_end_ = 0;
  std::exception_ptr job_error_;
  std::mutex error_mutex_;

  alignas(64) std::atomic<uint64_t> generation_{0};
  alignas(64) std::atomic<size_t> done_{0};  // chunks of the current job finished
  std::atomic<bool> caller_sleeping_{false};
  alignas(64) std::atomic<int> sleeping_workers_{0};
  std::atomic<bool> stop_{false};
};

}  // namespace trit::runtime

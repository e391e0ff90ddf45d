#pragma once
// Runs CUDA kernel source on the CPU, for tests on machines without a GPU. Include this, then
// the kernel header, in a host-compiled test. Each block's threads run as fibers (ucontext) on
// the calling thread and switch only at __syncthreads() and __shfl_xor_sync(), so a kernel's
// indexing, shared-memory tiles, barriers and warp shuffles execute as written; blocks run one
// after another, so a function-static array stands for __shared__ memory. A barrier that can
// never be met (some threads left or took another path) is reported as a deadlock, not a hang.
// Slow (a context switch per barrier and shuffle): small shapes only. Not modelled: memory
// races between threads of a block, warp divergence rules beyond full-warp shuffles, timing.
#include <cuda_bf16.h>
#include <ucontext.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace trit::test::emu {

struct Dim3 {
  unsigned x = 1, y = 1, z = 1;
};

struct BlockState {
  Dim3 block_idx, block_dim;
  int n_threads = 0;
  int current = 0;
  ucontext_t scheduler{};
  std::vector<ucontext_t> contexts;
  std::vector<std::unique_ptr<char[]>> stacks;
  std::vector<bool> done;
  std::function<void()> body;
  uint64_t progress = 0;  // arrivals, releases and exits: a round without any is a deadlock
  int block_arrived = 0;
  uint64_t block_generation = 0;
  std::vector<int> warp_arrived;
  std::vector<uint64_t> warp_generation;
  std::vector<float> exchange;  // one slot per thread, for shuffles
};

inline BlockState*& state() {
  thread_local BlockState* s = nullptr;
  return s;
}

inline void yield_to_scheduler() {
  BlockState& b = *state();
  swapcontext(&b.contexts[size_t(b.current)], &b.scheduler);
}

// Waits until `count` threads arrived at the barrier (arrived, generation).
inline void barrier_wait(int& arrived, uint64_t& generation, int count) {
  BlockState& b = *state();
  const uint64_t gen = generation;
  ++b.progress;
  if (++arrived == count) {
    arrived = 0;
    ++generation;
    return;
  }
  while (generation == gen) yield_to_scheduler();
}

inline void syncthreads() {
  BlockState& b = *state();
  barrier_wait(b.block_arrived, b.block_generation, b.n_threads);
}

// Every lane of the warp must call it (the kernels use full masks only).
inline float shfl_xor(float v, int lane_mask) {
  BlockState& b = *state();
  const int t = b.current, warp = t / 32, lane = t % 32;
  const int warp_size = std::min(32, b.n_threads - warp * 32);
  b.exchange[size_t(t)] = v;
  barrier_wait(b.warp_arrived[size_t(warp)], b.warp_generation[size_t(warp)], warp_size);
  const int src = lane ^ lane_mask;
  const float r = src < warp_size ? b.exchange[size_t(warp * 32 + src)] : v;
  barrier_wait(b.warp_arrived[size_t(warp)], b.warp_generation[size_t(warp)], warp_size);
  return r;
}

inline void fiber_entry() {
  BlockState& b = *state();
  b.body();
  b.done[size_t(b.current)] = true;
  ++b.progress;
  // returning resumes uc_link: the scheduler
}

inline Dim3 thread_idx() {
  BlockState& b = *state();
  return {unsigned(b.current) % b.block_dim.x, 1, 1};
}

// Runs kernel() for every thread of every block of a 2-D grid with 1-D blocks.
// getcontext/swapcontext are "returns twice" functions, so GCC warns that locals may be
// clobbered; here getcontext only initialises a context that makecontext then rewrites (it
// never returns a second time) and swapcontext restores this stack as it left it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wclobbered"
inline void launch(unsigned grid_x, unsigned grid_y, unsigned threads, const std::function<void()>& kernel) {
  constexpr size_t kStack = 64 * 1024;
  BlockState b;
  b.n_threads = int(threads);
  b.block_dim = {threads, 1, 1};
  b.contexts.resize(threads);
  b.done.assign(threads, false);
  b.exchange.assign(threads, 0.f);
  b.warp_arrived.assign((threads + 31) / 32, 0);
  b.warp_generation.assign((threads + 31) / 32, 0);
  for (unsigned i = 0; i < threads; ++i) b.stacks.emplace_back(new char[kStack]);
  b.body = kernel;
  state() = &b;
  for (unsigned by = 0; by < grid_y; ++by) {
    for (unsigned bx = 0; bx < grid_x; ++bx) {
      b.block_idx = {bx, by, 1};
      b.done.assign(threads, false);
      for (unsigned i = 0; i < threads; ++i) {
        ucontext_t& c = b.contexts[i];
        getcontext(&c);
        c.uc_stack.ss_sp = b.stacks[i].get();
        c.uc_stack.ss_size = kStack;
        c.uc_link = &b.scheduler;
        makecontext(&c, fiber_entry, 0);
      }
      for (;;) {
        bool any = false;
        const uint64_t before = b.progress;
        for (unsigned i = 0; i < threads; ++i) {
          if (b.done[i]) continue;
          any = true;
          b.current = int(i);
          swapcontext(&b.scheduler, &b.contexts[i]);
        }
        if (!any) break;
        if (b.progress == before) {
          state() = nullptr;
          throw std::runtime_error("emulated kernel deadlocked in block (" + std::to_string(bx) + ", " +
                                   std::to_string(by) + "): a barrier or shuffle some threads never reach");
        }
      }
    }
  }
  state() = nullptr;
}
#pragma GCC diagnostic pop

}  // namespace trit::test::emu

// The CUDA built-ins the kernels use, mapped onto the emulator. (Under a host compiler
// cuda_bf16.h defines __shared__ as nothing; here it must mean one array per block.)
#undef __shared__
#define __shared__ static
#ifndef __launch_bounds__
#define __launch_bounds__(...)
#endif
#define threadIdx (::trit::test::emu::thread_idx())
#define blockIdx (::trit::test::emu::state()->block_idx)
#define blockDim (::trit::test::emu::state()->block_dim)
#define __syncthreads() ::trit::test::emu::syncthreads()
#define __shfl_xor_sync(mask, v, lane_mask) ::trit::test::emu::shfl_xor((v), (lane_mask))

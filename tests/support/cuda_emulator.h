#pragma once
// Runs CUDA kernel source on the CPU, for tests on machines without a GPU. Include this, then
// the kernel header, in a host-compiled test. Each block's threads run as fibers (ucontext) on
// the calling thread and switch only at __syncthreads() and __shfl_xor_sync(), so a kernel's
// indexing, shared-memory tiles, barriers and warp shuffles execute as written; blocks run one
// after another, so a function-static array stands for __shared__ memory. A barrier that can
// never be met (some threads left or took another path) is reported as a deadlock, not a hang;
// a missing barrier shows when a kernel's results depend on reversed_order().
// Slow (a context switch per barrier and shuffle): small shapes only. Not modelled: races
// other than a missing barrier between a write and a read, warp divergence rules beyond
// full-warp shuffles, timing.
#include <cuda_bf16.h>
#include <ucontext.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
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
  // Dynamic shared memory, 128-byte aligned as a device's (wmma needs 32).
  std::unique_ptr<unsigned char, decltype(&std::free)> dynamic_shared{nullptr, &std::free};
  size_t dynamic_shared_bytes = 0;
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

inline void syncwarp() {
  BlockState& b = *state();
  const int warp = b.current / 32;
  barrier_wait(b.warp_arrived[size_t(warp)], b.warp_generation[size_t(warp)], std::min(32, b.n_threads - warp * 32));
}

inline unsigned char* dynamic_shared() { return state()->dynamic_shared.get(); }

inline void fiber_entry() {
  BlockState& b = *state();
  b.body();
  b.done[size_t(b.current)] = true;
  ++b.progress;
  // returning resumes uc_link: the scheduler
}

// Warps (and the lanes within one) run in index order, or in reverse order when set: a
// shared-memory write read by another warp without a barrier in between gives different
// results in the two orders, so running a kernel both ways exposes a missing barrier.
inline bool& reversed_order() {
  thread_local bool reversed = false;
  return reversed;
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
inline void launch(unsigned grid_x, unsigned grid_y, unsigned threads, const std::function<void()>& kernel,
                   size_t dynamic_shared_bytes = 0) {
  constexpr size_t kStack = 256 * 1024;
  BlockState b;
  b.dynamic_shared_bytes = dynamic_shared_bytes;
  if (dynamic_shared_bytes > 0)
    b.dynamic_shared.reset(static_cast<unsigned char*>(std::aligned_alloc(128, (dynamic_shared_bytes + 127) / 128 * 128)));
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
      if (b.dynamic_shared) std::memset(b.dynamic_shared.get(), 0xAB, b.dynamic_shared_bytes);  // garbage, as on a device
      b.done.assign(threads, false);
      for (unsigned i = 0; i < threads; ++i) {
        ucontext_t& c = b.contexts[i];
        getcontext(&c);
        c.uc_stack.ss_sp = b.stacks[i].get();
        c.uc_stack.ss_size = kStack;
        c.uc_link = &b.scheduler;
        makecontext(&c, fiber_entry, 0);
      }
      // Warp by warp: each warp runs until all its threads wait at __syncthreads (or are done)
      // before the next warp starts, so warps drift as far apart as barriers allow and a
      // missing block barrier shows; lanes of a warp take turns between warp barriers.
      const unsigned n_warps = (threads + 31) / 32;
      for (;;) {
        const uint64_t before = b.progress;
        bool any = false;
        for (unsigned wn = 0; wn < n_warps; ++wn) {
          const unsigned w = reversed_order() ? n_warps - 1 - wn : wn;
          const unsigned lanes = std::min(32u, threads - w * 32);
          for (;;) {
            const uint64_t warp_before = b.progress;
            for (unsigned ln = 0; ln < lanes; ++ln) {
              const unsigned i = w * 32 + (reversed_order() ? lanes - 1 - ln : ln);
              if (b.done[i]) continue;
              any = true;
              b.current = int(i);
              swapcontext(&b.scheduler, &b.contexts[i]);
            }
            if (b.progress == warp_before) break;
          }
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

// nvcuda::wmma for 16x16x16 tiles with bf16 or float elements. Every lane holds the whole
// tile (a warp-collective call gives every lane the same arguments), so the fragment layout
// is none in particular: kernels that touch fragments only through these calls are layout
// independent, as they must be on a device. Loads and stores check the device's rules
// (256-bit aligned pointers, ldm a multiple of 16 bytes). Like the .sync instructions they
// stand for, loads and stores wait for the whole warp on entry and exit, so no lane's store
// lands before every lane's load of the same memory.
namespace wmma {

struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

template <typename Use, int M, int N, int K, typename T, typename Layout = void>
struct fragment {
  static_assert(M == 16 && N == 16 && K == 16, "the emulator has 16x16x16 tiles only");
  float x[16][16];
};

inline float to_f(float v) { return v; }
inline float to_f(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename T>
void check_access(const T* p, unsigned ldm) {
  if (reinterpret_cast<uintptr_t>(p) % 32 != 0) throw std::runtime_error("wmma: pointer not 256-bit aligned");
  if ((ldm * sizeof(T)) % 16 != 0) throw std::runtime_error("wmma: ldm not a multiple of 16 bytes");
}

template <typename Use, typename T, typename Layout>
void fill_fragment(fragment<Use, 16, 16, 16, T, Layout>& f, float v) {
  for (auto& row : f.x)
    for (float& e : row) e = v;
}

template <typename Use, typename T, typename Layout>
void load_matrix_sync(fragment<Use, 16, 16, 16, T, Layout>& f, const T* p, unsigned ldm) {
  static_assert(std::is_same_v<Layout, row_major> || std::is_same_v<Layout, col_major>);
  check_access(p, ldm);
  syncwarp();
  for (int r = 0; r < 16; ++r)
    for (int c = 0; c < 16; ++c)
      f.x[r][c] = to_f(std::is_same_v<Layout, row_major> ? p[size_t(r) * ldm + size_t(c)] : p[size_t(c) * ldm + size_t(r)]);
  syncwarp();
}

inline void load_matrix_sync(fragment<accumulator, 16, 16, 16, float>& f, const float* p, unsigned ldm, layout_t l) {
  check_access(p, ldm);
  syncwarp();
  for (int r = 0; r < 16; ++r)
    for (int c = 0; c < 16; ++c) f.x[r][c] = l == mem_row_major ? p[size_t(r) * ldm + size_t(c)] : p[size_t(c) * ldm + size_t(r)];
  syncwarp();
}

inline void store_matrix_sync(float* p, const fragment<accumulator, 16, 16, 16, float>& f, unsigned ldm, layout_t l) {
  check_access(p, ldm);
  syncwarp();
  for (int r = 0; r < 16; ++r)
    for (int c = 0; c < 16; ++c) (l == mem_row_major ? p[size_t(r) * ldm + size_t(c)] : p[size_t(c) * ldm + size_t(r)]) = f.x[r][c];
  syncwarp();
}

template <typename T, typename La, typename Lb>
void mma_sync(fragment<accumulator, 16, 16, 16, float>& d, const fragment<matrix_a, 16, 16, 16, T, La>& a,
              const fragment<matrix_b, 16, 16, 16, T, Lb>& b, const fragment<accumulator, 16, 16, 16, float>& c) {
  float out[16][16];
  for (int r = 0; r < 16; ++r)
    for (int col = 0; col < 16; ++col) {
      float s = c.x[r][col];
      for (int k = 0; k < 16; ++k) s += a.x[r][k] * b.x[k][col];
      out[r][col] = s;
    }
  for (int r = 0; r < 16; ++r)
    for (int col = 0; col < 16; ++col) d.x[r][col] = out[r][col];
}

}  // namespace wmma

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
#define __syncwarp(...) ::trit::test::emu::syncwarp()
// A kernel's dynamic shared memory (extern __shared__ on a device), sized at launch.
#define TRIT_DYNAMIC_SMEM(name) unsigned char* name = ::trit::test::emu::dynamic_shared()

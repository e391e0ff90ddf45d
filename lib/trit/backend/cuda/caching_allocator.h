#pragma once
// The caching allocator behind CUDA tensors, written against an abstract backing (cudaMalloc /
// cudaFree in the backend, a fake in tests) so every rule below runs and is tested on the CPU.
//
// Rules (the scheme of PyTorch's CUDA caching allocator, reduced to what trit needs):
// - Requests are rounded up to a multiple of 512 bytes (kRound); the rounded size is the bin.
// - Small requests (<= 1 MiB) are carved out of 2 MiB segments; large ones get a segment of
//   their size rounded up to 2 MiB. Small and large blocks live in separate pools so a burst
//   of small tensors never fragments big segments.
// - A free block is reused for a later request on the same stream (best fit: the smallest free
//   block that is large enough). When the best fit is bigger than needed and the remainder is
//   worth keeping (>= 512 bytes in the small pool, > 1 MiB in the large pool), it is split; the
//   remainder stays free in the pool.
// - Freeing a block merges it with its free neighbours in the same segment, so a segment whose
//   blocks are all freed is one free block again.
// - Segments go back to the backing only on release_cached() or when the backing reports out of
//   memory: then every wholly free segment is released and the request is retried once; a second
//   failure throws trit::Error with the request and the allocator's numbers.
// Reuse per stream is safe without events because every kernel of a device runs on its one
// stream (context.h): a block freed on the host is reused only by work queued after the work
// that last used it.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

namespace trit::cuda {

struct AllocatorStats {
  size_t allocated_bytes = 0;       // in blocks handed out (rounded sizes)
  size_t reserved_bytes = 0;        // in segments held from the backing
  size_t peak_allocated_bytes = 0;  // high-water mark of allocated_bytes
  size_t n_backing_allocs = 0;      // segments ever obtained from the backing
  size_t n_backing_frees = 0;       // segments ever returned to it
  size_t n_oom_retries = 0;         // times the cache was emptied after an out-of-memory
  size_t cached_bytes() const { return reserved_bytes - allocated_bytes; }  // free but held
};

// The memory the allocator caches. allocate returns nullptr when the device is out of memory
// (any other failure throws); release frees what allocate returned.
struct BackingMemory {
  std::function<void*(size_t nbytes)> allocate;
  std::function<void(void* ptr, size_t nbytes)> release;
};

class CachingAllocator {
 public:
  static constexpr size_t kRound = 512;
  static constexpr size_t kSmallRequest = size_t(1) << 20;  // 1 MiB
  static constexpr size_t kSmallSegment = size_t(2) << 20;  // 2 MiB
  static constexpr size_t kLargeRound = size_t(2) << 20;    // large segments in 2 MiB steps

  explicit CachingAllocator(BackingMemory backing, std::string name = "device");
  ~CachingAllocator();  // returns every segment to the backing
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  // A block of at least nbytes (0 gives a 512-byte block) for work on `stream`.
  void* allocate(size_t nbytes, uintptr_t stream = 0);
  // Frees a pointer returned by allocate; unknown pointers are an error.
  void deallocate(void* ptr);
  // Returns every wholly free segment to the backing.
  void release_cached();
  AllocatorStats stats() const;
  // The size a request is served with (its bin).
  static size_t round_size(size_t nbytes);

 private:
  struct Block;
  struct BySize {
    bool operator()(const Block* a, const Block* b) const;
  };
  using Pool = std::set<Block*, BySize>;

  Block* find_free(Pool& pool, size_t size, uintptr_t stream);
  Block* new_segment(size_t segment_size, bool small, uintptr_t stream);
  void release_free_segments();
  Pool& pool_for(bool small) { return small ? small_pool_ : large_pool_; }

  BackingMemory backing_;
  std::string name_;
  mutable std::mutex mutex_;
  Pool small_pool_, large_pool_;                      // free blocks
  std::unordered_map<void*, Block*> in_use_;          // allocated blocks by pointer
  std::map<void*, std::unique_ptr<Block>> blocks_;    // owns every block, by address
  AllocatorStats stats_;
};

}  // namespace trit::cuda

#include "trit/backend/cuda/caching_allocator.h"

#include <tuple>

#include "trit/core/error.h"

namespace trit::cuda {

// A piece of a segment. Blocks of one segment form a doubly linked list in address order;
// a segment is wholly free when its only block is free (no prev, no next).
struct CachingAllocator::Block {
  char* ptr = nullptr;
  size_t size = 0;
  uintptr_t stream = 0;
  bool small = false;
  bool allocated = false;
  Block* prev = nullptr;
  Block* next = nullptr;
};

bool CachingAllocator::BySize::operator()(const Block* a, const Block* b) const {
  return std::tie(a->stream, a->size, a->ptr) < std::tie(b->stream, b->size, b->ptr);
}

namespace {

std::string mib(size_t bytes) { return std::to_string(double(bytes) / double(1 << 20)).substr(0, 8) + " MiB"; }

}  // namespace

CachingAllocator::CachingAllocator(BackingMemory backing, std::string name)
    : backing_(std::move(backing)), name_(std::move(name)) {
  TRIT_CHECK(backing_.allocate && backing_.release, "CachingAllocator: backing functions missing");
}

CachingAllocator::~CachingAllocator() {
  // Blocks still in use at exit belong to tensors that outlive the allocator (static objects);
  // their segments are returned anyway, as the process is ending.
  for (auto& [ptr, block] : blocks_)
    if (!block->prev) {
      size_t size = 0;
      for (Block* b = block.get(); b; b = b->next) size += b->size;
      backing_.release(ptr, size);
    }
}

size_t CachingAllocator::round_size(size_t nbytes) {
  if (nbytes == 0) return kRound;
  return (nbytes + kRound - 1) / kRound * kRound;
}

CachingAllocator::Block* CachingAllocator::find_free(Pool& pool, size_t size, uintptr_t stream) {
  Block key;
  key.stream = stream;
  key.size = size;
  auto it = pool.lower_bound(&key);
  if (it == pool.end() || (*it)->stream != stream) return nullptr;
  Block* b = *it;
  pool.erase(it);
  return b;
}

CachingAllocator::Block* CachingAllocator::new_segment(size_t segment_size, bool small, uintptr_t stream) {
  void* p = backing_.allocate(segment_size);
  if (!p) {
    ++stats_.n_oom_retries;
    release_free_segments();
    p = backing_.allocate(segment_size);
  }
  if (!p)
    fail(name_, ": out of memory allocating a segment of ", mib(segment_size), " (", mib(stats_.allocated_bytes),
         " in use by tensors, ", mib(stats_.reserved_bytes), " reserved, cache already emptied)");
  auto block = std::make_unique<Block>();
  block->ptr = static_cast<char*>(p);
  block->size = segment_size;
  block->stream = stream;
  block->small = small;
  Block* raw = block.get();
  blocks_.emplace(p, std::move(block));
  stats_.reserved_bytes += segment_size;
  ++stats_.n_backing_allocs;
  return raw;
}

void* CachingAllocator::allocate(size_t nbytes, uintptr_t stream) {
  const size_t size = round_size(nbytes);
  const bool small = size <= kSmallRequest;
  std::lock_guard lock(mutex_);
  Pool& pool = pool_for(small);
  Block* b = find_free(pool, size, stream);
  if (!b) {
    const size_t segment = small ? kSmallSegment : (size + kLargeRound - 1) / kLargeRound * kLargeRound;
    b = new_segment(segment, small, stream);
  }
  // Split off the tail when it is worth keeping as a free block of its own.
  const size_t rest = b->size - size;
  if (small ? rest >= kRound : rest > kSmallRequest) {
    auto tail = std::make_unique<Block>();
    tail->ptr = b->ptr + size;
    tail->size = rest;
    tail->stream = stream;
    tail->small = small;
    tail->prev = b;
    tail->next = b->next;
    if (b->next) b->next->prev = tail.get();
    b->next = tail.get();
    b->size = size;
    pool.insert(tail.get());
    blocks_.emplace(tail->ptr, std::move(tail));
  }
  b->allocated = true;
  in_use_.emplace(b->ptr, b);
  stats_.allocated_bytes += b->size;
  stats_.peak_allocated_bytes = std::max(stats_.peak_allocated_bytes, stats_.allocated_bytes);
  return b->ptr;
}

void CachingAllocator::deallocate(void* ptr) {
  if (!ptr) return;
  std::lock_guard lock(mutex_);
  auto it = in_use_.find(ptr);
  TRIT_CHECK(it != in_use_.end(), name_, ": free of a pointer this allocator did not hand out");
  Block* b = it->second;
  in_use_.erase(it);
  b->allocated = false;
  stats_.allocated_bytes -= b->size;
  Pool& pool = pool_for(b->small);
  // Merge with free neighbours: the survivor is the lower-addressed block.
  if (b->next && !b->next->allocated) {
    Block* n = b->next;
    pool.erase(n);
    b->size += n->size;
    b->next = n->next;
    if (n->next) n->next->prev = b;
    blocks_.erase(n->ptr);
  }
  if (b->prev && !b->prev->allocated) {
    Block* p = b->prev;
    pool.erase(p);
    p->size += b->size;
    p->next = b->next;
    if (b->next) b->next->prev = p;
    blocks_.erase(b->ptr);
    b = p;
  }
  pool.insert(b);
}

void CachingAllocator::release_free_segments() {
  for (Pool* pool : {&small_pool_, &large_pool_}) {
    for (auto it = pool->begin(); it != pool->end();) {
      Block* b = *it;
      if (b->prev || b->next) {
        ++it;
        continue;
      }
      it = pool->erase(it);
      stats_.reserved_bytes -= b->size;
      ++stats_.n_backing_frees;
      backing_.release(b->ptr, b->size);
      blocks_.erase(b->ptr);
    }
  }
}

void CachingAllocator::release_cached() {
  std::lock_guard lock(mutex_);
  release_free_segments();
}

AllocatorStats CachingAllocator::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace trit::cuda

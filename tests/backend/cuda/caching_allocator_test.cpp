// The caching allocator's rules on the CPU, with a fake backing that hands out host memory up
// to a capacity and reports out of memory past it. Runs without a GPU.
#include "trit/backend/cuda/caching_allocator.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>

using trit::cuda::BackingMemory;
using trit::cuda::CachingAllocator;

namespace {

constexpr size_t MiB = size_t(1) << 20;

struct FakeDevice {
  size_t capacity = 64 * MiB;
  size_t used = 0;
  std::map<void*, size_t> live;
  int n_allocs = 0, n_frees = 0, n_refused = 0;

  BackingMemory backing() {
    BackingMemory b;
    b.allocate = [this](size_t n) -> void* {
      if (used + n > capacity) {
        ++n_refused;
        return nullptr;
      }
      void* p = std::malloc(n);
      used += n;
      live[p] = n;
      ++n_allocs;
      return p;
    };
    b.release = [this](void* p, size_t n) {
      REQUIRE(live.count(p) == 1);
      REQUIRE(live[p] == n);
      live.erase(p);
      used -= n;
      ++n_frees;
      std::free(p);
    };
    return b;
  }
};

}  // namespace

TEST_CASE("caching allocator: requests round up to 512-byte bins") {
  CHECK(CachingAllocator::round_size(0) == 512);
  CHECK(CachingAllocator::round_size(1) == 512);
  CHECK(CachingAllocator::round_size(512) == 512);
  CHECK(CachingAllocator::round_size(513) == 1024);
  CHECK(CachingAllocator::round_size(3 * MiB + 1) == 3 * MiB + 512);
  FakeDevice dev;
  CachingAllocator a(dev.backing());
  void* p = a.allocate(100);
  CHECK(a.stats().allocated_bytes == 512);
  a.deallocate(p);
  CHECK(a.stats().allocated_bytes == 0);
}

TEST_CASE("caching allocator: small blocks share one 2 MiB segment and are reused after free") {
  FakeDevice dev;
  CachingAllocator a(dev.backing());
  char* p1 = static_cast<char*>(a.allocate(1000));
  char* p2 = static_cast<char*>(a.allocate(4096));
  CHECK(dev.n_allocs == 1);
  CHECK(a.stats().reserved_bytes == 2 * MiB);
  CHECK(p2 == p1 + 1024);  // carved from the same segment, right after p1's bin
  a.deallocate(p1);
  void* p3 = a.allocate(700);  // same bin as p1: p1's block comes back
  CHECK(p3 == p1);
  CHECK(dev.n_allocs == 1);
  a.deallocate(p2);
  a.deallocate(p3);
  CHECK(a.stats().allocated_bytes == 0);
  CHECK(a.stats().cached_bytes() == 2 * MiB);
  CHECK(dev.n_frees == 0);  // cached, not returned
}

TEST_CASE("caching allocator: large requests get their own segment, split when the rest is large") {
  FakeDevice dev;
  CachingAllocator a(dev.backing());
  char* big = static_cast<char*>(a.allocate(10 * MiB));
  CHECK(a.stats().reserved_bytes == 10 * MiB);
  a.deallocate(big);
  // A 3 MiB request reuses the cached 10 MiB segment and splits off 7 MiB.
  char* p = static_cast<char*>(a.allocate(3 * MiB));
  CHECK(p == big);
  CHECK(dev.n_allocs == 1);
  char* q = static_cast<char*>(a.allocate(7 * MiB));
  CHECK(q == big + 3 * MiB);
  CHECK(dev.n_allocs == 1);
  // Nothing free is left: a 1.5 MiB request gets a new segment rounded up to 2 MiB.
  void* r = a.allocate(MiB + MiB / 2);
  CHECK(dev.n_allocs == 2);
  CHECK(a.stats().reserved_bytes == 12 * MiB);
  a.deallocate(p);
  a.deallocate(q);
  a.deallocate(r);
}

TEST_CASE("caching allocator: freeing split blocks merges them back into one segment") {
  FakeDevice dev;
  CachingAllocator a(dev.backing());
  void* p1 = a.allocate(1024);
  void* p2 = a.allocate(1024);
  void* p3 = a.allocate(1024);
  // Free the middle first, then the ends: every order must merge back into one free block.
  a.deallocate(p2);
  a.deallocate(p1);
  a.deallocate(p3);
  a.release_cached();
  CHECK(dev.n_frees == 1);  // the segment was whole again, so it could be returned
  CHECK(a.stats().reserved_bytes == 0);
  CHECK(dev.live.empty());
  // A segment with a block still in use is kept.
  void* q1 = a.allocate(1024);
  void* q2 = a.allocate(1024);
  a.deallocate(q1);
  a.release_cached();
  CHECK(a.stats().reserved_bytes == 2 * MiB);
  a.deallocate(q2);
}

TEST_CASE("caching allocator: blocks are reused only on the stream they were made for") {
  FakeDevice dev;
  CachingAllocator a(dev.backing());
  void* p = a.allocate(4096, /*stream=*/1);
  a.deallocate(p);
  void* q = a.allocate(4096, /*stream=*/2);
  CHECK(q != p);
  CHECK(dev.n_allocs == 2);
  void* r = a.allocate(4096, 1);
  CHECK(r == p);
  a.deallocate(q);
  a.deallocate(r);
}

TEST_CASE("caching allocator: out of memory empties the cache and retries once") {
  FakeDevice dev;
  dev.capacity = 16 * MiB;
  CachingAllocator a(dev.backing());
  void* p = a.allocate(12 * MiB);
  a.deallocate(p);  // cached: the backing still holds 12 MiB
  void* q = a.allocate(14 * MiB);  // does not fit beside the cache; fits once it is released
  CHECK(q != nullptr);
  CHECK(dev.n_refused == 1);
  CHECK(a.stats().n_oom_retries == 1);
  CHECK(a.stats().reserved_bytes == 14 * MiB);
  // Nothing left to release: the second refusal is an error naming the sizes.
  CHECK_THROWS_WITH(a.allocate(8 * MiB), Catch::Contains("out of memory") && Catch::Contains("8.000000 MiB"));
  CHECK(dev.n_refused == 3);
  a.deallocate(q);
}

TEST_CASE("caching allocator: statistics follow allocation, caching and the peak") {
  FakeDevice dev;
  CachingAllocator a(dev.backing());
  void* p = a.allocate(4 * MiB);
  void* q = a.allocate(6 * MiB);
  auto s = a.stats();
  CHECK(s.allocated_bytes == 10 * MiB);
  CHECK(s.peak_allocated_bytes == 10 * MiB);
  a.deallocate(q);
  s = a.stats();
  CHECK(s.allocated_bytes == 4 * MiB);
  CHECK(s.cached_bytes() == 6 * MiB);
  CHECK(s.reserved_bytes == 10 * MiB);
  CHECK(s.peak_allocated_bytes == 10 * MiB);
  // 3 MiB comes out of the cached 6 MiB block (split: the 3 MiB rest is large); 2.5 MiB takes
  // that rest whole (a 0.5 MiB rest is not worth a split), so all 3 MiB count as allocated.
  void* r = a.allocate(3 * MiB);
  CHECK(r == q);
  CHECK(a.stats().allocated_bytes == 7 * MiB);
  void* t = a.allocate(2 * MiB + MiB / 2);
  CHECK(t == static_cast<char*>(q) + 3 * MiB);
  CHECK(a.stats().allocated_bytes == 10 * MiB);
  CHECK(a.stats().n_backing_allocs == 2);
  a.deallocate(r);
  a.deallocate(t);
  a.deallocate(p);
  CHECK(a.stats().allocated_bytes == 0);
  CHECK(a.stats().n_backing_allocs == 2);
}

TEST_CASE("caching allocator: a pointer it did not hand out is an error, and the destructor returns every segment") {
  FakeDevice dev;
  {
    CachingAllocator a(dev.backing());
    int x = 0;
    CHECK_THROWS_WITH(a.deallocate(&x), Catch::Contains("did not hand out"));
    a.allocate(100);
    a.allocate(5 * MiB);
  }
  CHECK(dev.live.empty());
}

#pragma once
// Storage: one device allocation shared by every tensor view of it. CPU memory is 64-byte
// aligned (a cache line, an AVX-512 register). The version counter counts in-place writes so
// autograd can detect a saved tensor that changed before backward used it.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "trit/core/device.h"

namespace trit {

// Allocators hand out raw device memory; one per device type. The CUDA backend registers its
// caching allocator here when it is built (storage.cpp installs it on first use).
class Allocator {
 public:
  virtual ~Allocator() = default;
  virtual void* allocate(size_t nbytes, Device device) = 0;
  virtual void deallocate(void* ptr, size_t nbytes, Device device) = 0;
};

Allocator& allocator_for(Device device);
void register_allocator(DeviceType type, Allocator* allocator);

class Storage {
 public:
  Storage(size_t nbytes, Device device);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() { return data_; }
  const void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

  uint64_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  Device device_;
  Allocator* allocator_ = nullptr;
  uint64_t version_ = 0;
};

}  // namespace trit

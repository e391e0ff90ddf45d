#pragma once
// The allocator of CUDA tensors: one CachingAllocator per device over cudaMalloc/cudaFree,
// handing out blocks for the device's stream. Storage finds it through allocator_for(cuda),
// which installs it on first use (storage.cpp).
#include "trit/backend/cuda/caching_allocator.h"
#include "trit/core/storage.h"

namespace trit::cuda {

// The trit::Allocator for DeviceType::cuda: storage.cpp's registry starts with it (as if
// register_allocator(DeviceType::cuda, &device_allocator()) had run). Its first allocation on a
// device without a GPU throws require_cuda's message.
Allocator& device_allocator();

// Per-device caching allocator statistics and cache release (tests, trit-train's memory line).
AllocatorStats memory_stats(int device = 0);
void empty_cache(int device = 0);

}  // namespace trit::cuda

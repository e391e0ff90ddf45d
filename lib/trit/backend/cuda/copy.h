#pragma once
// Copies on and between CUDA devices and the host. Strided copies convert between any two
// dtypes with the CPU backend's rules (float -> bf16/f16 round to nearest even once; to
// integers truncate toward zero). Host <-> device transfers of contiguous bytes go through a
// per-device pair of pinned staging buffers, so pageable host memory is never handed to the
// driver and the copy of one chunk overlaps the host memcpy of the next. Plain C++ header.
#include <cstddef>

#include "trit/core/dtype.h"
#include "trit/core/shape.h"

namespace trit::cuda {

// dst = convert(src) element by element, both on `device`, one shape, any strides (a stride
// of 0 in src broadcasts). Queued on the device's stream.
void copy_strided(const void* src, DType src_dtype, const Strides& src_strides, void* dst, DType dst_dtype,
                  const Strides& dst_strides, const Shape& shape, int device);
// Every element of the strided view set to value (converted as by copy_strided from f64).
void fill(void* dst, DType dtype, const Strides& strides, const Shape& shape, double value, int device);
void zero_bytes(void* dst, size_t nbytes, int device);

// Contiguous bytes. host_to_device returns once the host source may be reused; device_to_host
// returns once dst holds the data (it waits for the work queued before it).
void copy_host_to_device(void* dst, int device, const void* src, size_t nbytes);
void copy_device_to_host(void* dst, const void* src, int device, size_t nbytes);
void copy_device_to_device(void* dst, int dst_device, const void* src, int src_device, size_t nbytes);

}  // namespace trit::cuda

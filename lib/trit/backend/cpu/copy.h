#pragma once
// Strided copy with element type conversion: the kernel behind contiguous(), to(dtype),
// clone() and copy_().
#include "trit/core/dtype.h"
#include "trit/core/shape.h"

namespace trit::cpu {

void copy_strided(const void* src, DType src_dtype, const Strides& src_strides, void* dst,
                  DType dst_dtype, const Strides& dst_strides, const Shape& shape);
void fill(void* dst, DType dtype, const Strides& strides, const Shape& shape, double value);

}  // namespace trit::cpu

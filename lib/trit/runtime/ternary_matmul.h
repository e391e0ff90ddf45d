#pragma once
// Ternary matrix products for BitLinear layers on packed weights (layout in ternary_pack.h):
//   y[t][r] = (xq[t] · Wq[r]) / (sx[t] * sw)     t < n_tokens, r < rows
// n_tokens = 1 is the GEMV of generation; larger n_tokens is the GEMM of prompt processing
// (each weight load reused across a tile of tokens, rows tiled to stay in L2).
// The integer dot is exact; the float result is float(dot) / (sx * sw), computed the same way
// at every CPU level, so all levels give bit-identical outputs. Output rows are spread over
// the thread pool (static partitioning in blocks of 8 rows).
#include <cstddef>
#include <cstdint>

#include "trit/runtime/activation_quant.h"
#include "trit/runtime/cpu_features.h"
#include "trit/runtime/ternary_pack.h"
#include "trit/runtime/thread_pool.h"

namespace trit::runtime {

// y has n_tokens rows of y_stride floats (y_stride >= w.rows). pool may be null (one thread).
// Vector levels need x.stride >= w.row_bytes * 4 (zero padded, as QuantizedActivations is).
void ternary_matmul(const TernaryWeightsView& w, const Int8ActivationsView& x, float* y,
                    size_t y_stride, ThreadPool* pool = nullptr,
                    CpuLevel level = active_cpu_level());

// The integer dots only: dots[t * dots_stride + r] = xq[t] · Wq[r].
void ternary_matmul_i32(const TernaryWeightsView& w, const Int8ActivationsView& x,
                        int32_t* dots, size_t dots_stride, ThreadPool* pool = nullptr,
                        CpuLevel level = active_cpu_level());

}  // namespace trit::runtime

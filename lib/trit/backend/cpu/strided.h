#pragma once
// Strided iteration for CPU kernels: walks N operands that share a shape (strides may be 0 for
// broadcast dims) row by row along the innermost dim, after merging dims that are contiguous
// for every operand. body(const int64_t* offsets, int64_t n, const int64_t* inner_strides) is
// called with each operand's element offset at the start of a run of n elements.
#include <array>
#include <cstdint>

#include "trit/core/parallel.h"
#include "trit/core/shape.h"

namespace trit::cpu {

template <size_t N>
struct StridedLayout {
  Shape shape;                     // merged shape
  std::array<Strides, N> strides;  // per operand, merged
};

template <size_t N>
StridedLayout<N> merge_dims(const Shape& shape, const std::array<const Strides*, N>& strides) {
  StridedLayout<N> out;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;  // size-1 dims never move any pointer
    bool merge = !out.shape.empty();
    for (size_t k = 0; k < N && merge; ++k)
      merge = out.strides[k].back() == (*strides[k])[d] * shape[d];
    if (merge) {
      out.shape.back() *= shape[d];
      for (size_t k = 0; k < N; ++k) out.strides[k].back() = (*strides[k])[d];
    } else {
      out.shape.push_back(shape[d]);
      for (size_t k = 0; k < N; ++k) out.strides[k].push_back((*strides[k])[d]);
    }
  }
  if (out.shape.empty()) {
    out.shape.push_back(1);
    for (size_t k = 0; k < N; ++k) out.strides[k].push_back(0);
  }
  return out;
}

// Runs body over every element, in parallel over chunks of about `grain` elements.
template <size_t N, typename Body>
void for_each_strided(const Shape& shape, const std::array<const Strides*, N>& strides, Body&& body,
                      int64_t grain = 32768) {
  const StridedLayout<N> L = merge_dims<N>(shape, strides);
  const int64_t nd = int64_t(L.shape.size());
  const int64_t inner = L.shape[nd - 1];
  const int64_t rows = numel(L.shape) / inner;
  // Split long rows so a single contiguous run still uses every thread.
  const int64_t pieces = inner > 2 * grain ? (inner + grain - 1) / grain : 1;
  const int64_t piece_len = (inner + pieces - 1) / pieces;
  std::array<int64_t, N> inner_strides;
  for (size_t k = 0; k < N; ++k) inner_strides[k] = L.strides[k][nd - 1];
  parallel_for(rows * pieces, std::max<int64_t>(1, grain / std::min(inner, grain)),
               [&](int64_t begin, int64_t end) {
    for (int64_t job = begin; job < end; ++job) {
      const int64_t row = job / pieces, piece = job % pieces;
      std::array<int64_t, N> off{};
      int64_t r = row;
      for (int64_t d = nd - 2; d >= 0; --d) {
        const int64_t i = r % L.shape[d];
        r /= L.shape[d];
        for (size_t k = 0; k < N; ++k) off[k] += i * L.strides[k][d];
      }
      const int64_t start = piece * piece_len;
      const int64_t n = std::min(piece_len, inner - start);
      if (n <= 0) continue;
      for (size_t k = 0; k < N; ++k) off[k] += start * inner_strides[k];
      body(off.data(), n, inner_strides.data());
    }
  });
}

}  // namespace trit::cpu

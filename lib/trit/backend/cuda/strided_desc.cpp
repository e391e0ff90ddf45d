#include "trit/backend/cuda/strided_desc.h"

#include "trit/backend/cpu/strided.h"

namespace trit::cuda {

template <int N>
StridedDesc<N> make_strided_desc(const Shape& shape, const std::array<const Strides*, N>& strides, const char* op) {
  const cpu::StridedLayout<N> L = cpu::merge_dims<size_t(N)>(shape, strides);
  TRIT_CHECK(L.shape.size() <= size_t(kMaxDims), op, ": CUDA kernels take at most ", kMaxDims,
             " non-mergeable dims; shape ", shape_str(shape), " has ", L.shape.size());
  StridedDesc<N> d;
  d.ndim = int(L.shape.size());
  for (int i = 0; i < d.ndim; ++i) {
    d.shape[i] = L.shape[size_t(i)];
    for (int k = 0; k < N; ++k) d.strides[k][i] = L.strides[size_t(k)][size_t(i)];
  }
  return d;
}

template StridedDesc<1> make_strided_desc<1>(const Shape&, const std::array<const Strides*, 1>&, const char*);
template StridedDesc<2> make_strided_desc<2>(const Shape&, const std::array<const Strides*, 2>&, const char*);
template StridedDesc<3> make_strided_desc<3>(const Shape&, const std::array<const Strides*, 3>&, const char*);

Strides broadcast_strides(const Shape& from, const Strides& from_strides, const Shape& to) {
  TRIT_CHECK(from.size() <= to.size(), "broadcast: ", shape_str(from), " has more dims than ", shape_str(to));
  Strides s(to.size(), 0);
  const size_t lead = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i) {
    TRIT_CHECK(from[i] == to[lead + i] || from[i] == 1, "broadcast: cannot broadcast ", shape_str(from), " to ",
               shape_str(to));
    s[lead + i] = from[i] == 1 ? 0 : from_strides[i];
  }
  return s;
}

}  // namespace trit::cuda

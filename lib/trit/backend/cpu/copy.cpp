#include "trit/backend/cpu/copy.h"

#include <cstring>

#include "trit/backend/cpu/strided.h"
#include "trit/core/dtype_dispatch.h"

namespace trit::cpu {

void copy_strided(const void* src, DType src_dtype, const Strides& src_strides, void* dst,
                  DType dst_dtype, const Strides& dst_strides, const Shape& shape) {
  visit_dtype(src_dtype, [&](auto s_tag) {
    using S = decltype(s_tag);
    visit_dtype(dst_dtype, [&](auto d_tag) {
      using D = decltype(d_tag);
      const S* s = static_cast<const S*>(src);
      D* d = static_cast<D*>(dst);
      for_each_strided<2>(shape, {&src_strides, &dst_strides},
                          [&](const int64_t* off, int64_t n, const int64_t* st) {
        const S* sp = s + off[0];
        D* dp = d + off[1];
        if constexpr (std::is_same_v<S, D>) {
          if (st[0] == 1 && st[1] == 1) {
            std::memcpy(dp, sp, size_t(n) * sizeof(S));
            return;
          }
        }
        for (int64_t i = 0; i < n; ++i) dp[i * st[1]] = convert_scalar<D>(sp[i * st[0]]);
      });
    });
  });
}

void fill(void* dst, DType dtype, const Strides& strides, const Shape& shape, double value) {
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    const T v = from_double<T>(value);
    T* d = static_cast<T*>(dst);
    for_each_strided<1>(shape, {&strides}, [&](const int64_t* off, int64_t n, const int64_t* st) {
      for (int64_t i = 0; i < n; ++i) d[off[0] + i * st[0]] = v;
    });
  });
}

}  // namespace trit::cpu

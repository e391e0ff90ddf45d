#pragma once
// Turning a runtime DType into a C++ type: visit_dtype(d, [&](auto tag) { using T = decltype(tag); })
// and scalar conversions between every element type (bf16/f16 round to nearest even).
#include <type_traits>

#include "trit/core/dtype.h"
#include "trit/core/error.h"
#include "trit/core/half.h"

namespace trit {

template <typename Fn>
decltype(auto) visit_dtype(DType d, Fn&& fn) {
  switch (d) {
#define X(e, t, n, b, f) case DType::e: return fn(t{});
    TRIT_DTYPES(X)
#undef X
  }
  fail("unknown dtype");
}

// Floating types with arithmetic kernels (f32, f64).
template <typename Fn>
decltype(auto) visit_float(DType d, const char* op, Fn&& fn) {
  if (d == DType::f32) return fn(float{});
  if (d == DType::f64) return fn(double{});
  fail(op, ": expected a f32 or f64 tensor, got ", dtype_name(d));
}

template <typename T>
inline double to_double(T v) {
  if constexpr (std::is_same_v<T, bf16>) return bf16_to_float(v.bits);
  else if constexpr (std::is_same_v<T, f16>) return f16_to_float(v.bits);
  else return double(v);
}

template <typename T>
inline T from_double(double v) {
  if constexpr (std::is_same_v<T, bf16>) return bf16{float_to_bf16(float(v))};
  else if constexpr (std::is_same_v<T, f16>) return f16{float_to_f16(float(v))};
  else return static_cast<T>(v);
}

// Converts between element types. float -> bf16/f16 rounds once (from float, not double).
template <typename To, typename From>
inline To convert_scalar(From v) {
  if constexpr (std::is_same_v<To, From>) return v;
  else if constexpr (std::is_same_v<To, bf16> && std::is_same_v<From, float>) return bf16{float_to_bf16(v)};
  else if constexpr (std::is_same_v<To, f16> && std::is_same_v<From, float>) return f16{float_to_f16(v)};
  else return from_double<To>(to_double(v));
}

}  // namespace trit

#pragma once
// Element types. The list below is the one place a dtype is declared; the enum, names,
// sizes and the C++ type each maps to derive from it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "trit/core/half.h"

namespace trit {

//        enum  C++ type  name    bytes  floating
#define TRIT_DTYPES(X)            \
  X(f32, float, "f32", 4, true)   \
  X(f64, double, "f64", 8, true)  \
  X(bf16, bf16, "bf16", 2, true)  \
  X(f16, f16, "f16", 2, true)     \
  X(i8, int8_t, "i8", 1, false)   \
  X(i32, int32_t, "i32", 4, false) \
  X(u8, uint8_t, "u8", 1, false)

enum class DType : uint8_t {
#define X(e, t, n, b, f) e,
  TRIT_DTYPES(X)
#undef X
};

constexpr std::string_view dtype_name(DType d) {
  switch (d) {
#define X(e, t, n, b, f) case DType::e: return n;
    TRIT_DTYPES(X)
#undef X
  }
  return "?";
}

constexpr size_t dtype_size(DType d) {
  switch (d) {
#define X(e, t, n, b, f) case DType::e: return b;
    TRIT_DTYPES(X)
#undef X
  }
  return 0;
}

constexpr bool is_floating(DType d) {
  switch (d) {
#define X(e, t, n, b, f) case DType::e: return f;
    TRIT_DTYPES(X)
#undef X
  }
  return false;
}

template <typename T> struct dtype_of;
#define X(e, t, n, b, f) template <> struct dtype_of<t> { static constexpr DType value = DType::e; };
TRIT_DTYPES(X)
#undef X
template <typename T> inline constexpr DType dtype_v = dtype_of<T>::value;

DType parse_dtype(std::string_view name);  // throws trit::Error listing the valid names

}  // namespace trit

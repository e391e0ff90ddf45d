#pragma once
// How checkpoint arrays map to HDF5 types. Internal to lib/ (includes <hdf5.h>).
#include <optional>

#include "trit/formats/checkpoint.h"
#include "trit/formats/hdf5_handle.h"

namespace trit::formats::h5 {

inline constexpr const char* kGroups[] = {"params", "optim", "rng", "data"};

// The in-memory type HDF5 converts to or from.
inline hid_t native_type(ArrayType t) {
  switch (t) {
    case ArrayType::f32: return H5T_NATIVE_FLOAT;
    case ArrayType::f64: return H5T_NATIVE_DOUBLE;
    case ArrayType::i8: return H5T_NATIVE_INT8;
    case ArrayType::i32: return H5T_NATIVE_INT32;
    case ArrayType::i64: return H5T_NATIVE_INT64;
    case ArrayType::u8: return H5T_NATIVE_UINT8;
    case ArrayType::u32: return H5T_NATIVE_UINT32;
    case ArrayType::u64: return H5T_NATIVE_UINT64;
  }
  return H5T_NATIVE_FLOAT;
}

// The type stored in the file (little-endian, whatever the writing host).
inline hid_t file_type(ArrayType t) {
  switch (t) {
    case ArrayType::f32: return H5T_IEEE_F32LE;
    case ArrayType::f64: return H5T_IEEE_F64LE;
    case ArrayType::i8: return H5T_STD_I8LE;
    case ArrayType::i32: return H5T_STD_I32LE;
    case ArrayType::i64: return H5T_STD_I64LE;
    case ArrayType::u8: return H5T_STD_U8LE;
    case ArrayType::u32: return H5T_STD_U32LE;
    case ArrayType::u64: return H5T_STD_U64LE;
  }
  return H5T_IEEE_F32LE;
}

// The ArrayType of a stored dataset type, or nullopt for types checkpoints do not use.
inline std::optional<ArrayType> array_type_of_h5(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  const size_t size = H5Tget_size(type);
  if (cls == H5T_FLOAT) {
    if (size == 4) return ArrayType::f32;
    if (size == 8) return ArrayType::f64;
  } else if (cls == H5T_INTEGER) {
    const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
    switch (size) {
      case 1: return is_signed ? ArrayType::i8 : ArrayType::u8;
      case 4: return is_signed ? ArrayType::i32 : ArrayType::u32;
      case 8: return is_signed ? ArrayType::i64 : ArrayType::u64;
      default: break;
    }
  }
  return std::nullopt;
}

}  // namespace trit::formats::h5

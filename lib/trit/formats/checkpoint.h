#pragma once
// trit's training checkpoint: one HDF5 file holding everything a resume needs to continue
// bit-identically. Layout (HDF5 objects, not bytes; HDF5 defines the bytes):
//
//   /                       root group, attributes (all scalars):
//     format         string  "trit-checkpoint" (variable-length UTF-8)
//     format_version int64   1 (a reader rejects versions it does not know)
//     model          string  model family, e.g. "bitnet"
//     config         string  the fully resolved run configuration as JSON
//     step           int64   optimizer steps done
//     tokens         int64   training tokens consumed
//   /params/<name>          float32 master weights, dotted names ("layers.3.attn.q.weight"),
//                           row-major shape as the tensor has it
//   /optim/<name>           optimizer state (moments, counters), any supported dtype
//   /rng/<name>             random generator states
//   /data/<name>            data sampler state
//
// The four groups always exist (possibly empty) and hold only datasets, stored contiguous and
// little-endian. dtypes: f32 f64 i8 i32 i64 u8 u32 u64.
// In a run folder, checkpoints live in checkpoints/step_<N>.h5 and checkpoints/latest is a
// text file holding the newest complete checkpoint's file name; both are written to a
// temporary name and renamed, so a crash never leaves a broken file or pointer.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trit/core/error.h"

namespace trit::formats {

inline constexpr std::string_view kCheckpointFormat = "trit-checkpoint";
inline constexpr int64_t kCheckpointFormatVersion = 1;

//        enum  C++ type  name
#define TRIT_ARRAY_TYPES(X) \
  X(f32, float, "f32")      \
  X(f64, double, "f64")     \
  X(i8, int8_t, "i8")       \
  X(i32, int32_t, "i32")    \
  X(i64, int64_t, "i64")    \
  X(u8, uint8_t, "u8")      \
  X(u32, uint32_t, "u32")   \
  X(u64, uint64_t, "u64")

enum class ArrayType : uint8_t {
#define X(e, t, n) e,
  TRIT_ARRAY_TYPES(X)
#undef X
};

std::string_view array_type_name(ArrayType type);
size_t array_type_size(ArrayType type);
template <typename T> constexpr ArrayType array_type_of();
#define X(e, t, n) template <> constexpr ArrayType array_type_of<t>() { return ArrayType::e; }
TRIT_ARRAY_TYPES(X)
#undef X

// A named n-dimensional array as plain bytes (row-major, native little-endian).
struct NamedArray {
  ArrayType dtype = ArrayType::f32;
  std::vector<uint64_t> shape;  // empty: a scalar
  std::vector<std::byte> bytes;

  uint64_t numel() const;
  template <typename T>
  static NamedArray from(std::span<const T> values, std::vector<uint64_t> shape) {
    NamedArray a{array_type_of<T>(), std::move(shape), std::vector<std::byte>(values.size_bytes())};
    if (!values.empty()) std::memcpy(a.bytes.data(), values.data(), values.size_bytes());
    return a;
  }
  // The elements as T; throws if the dtype is not T.
  template <typename T>
  std::vector<T> values() const {
    TRIT_CHECK(dtype == array_type_of<T>(), "array of ", array_type_name(dtype), " read as ",
               array_type_name(array_type_of<T>()));
    std::vector<T> out(bytes.size() / sizeof(T));
    if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
    return out;
  }
  bool operator==(const NamedArray&) const = default;
};

using ArrayGroup = std::map<std::string, NamedArray>;

struct Checkpoint {
  int64_t format_version = kCheckpointFormatVersion;  // as read; the writer always writes the current one
  std::string model;
  std::string config_json;
  int64_t step = 0;
  int64_t tokens = 0;
  ArrayGroup params;  // float32 only
  ArrayGroup optim;
  ArrayGroup rng;
  ArrayGroup data;
};

// Writes `path` atomically (temporary + rename). Validates names, dtypes and sizes first.
void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);
// Reads and validates a checkpoint; every error names the file.
Checkpoint read_checkpoint(const std::filesystem::path& path);
// Only the model family attribute (validated like read_checkpoint's header).
std::string read_checkpoint_family(const std::filesystem::path& path);

// Writes <run_dir>/checkpoints/step_<step>.h5, then points checkpoints/latest at it.
// Returns the checkpoint's path.
std::filesystem::path write_checkpoint_atomically(const std::filesystem::path& run_dir, const Checkpoint& checkpoint);
// The checkpoint checkpoints/latest names, or nullopt when the run has none yet.
// Throws if the pointer is malformed or names a missing file.
std::optional<std::filesystem::path> latest_checkpoint(const std::filesystem::path& run_dir);

}  // namespace trit::formats

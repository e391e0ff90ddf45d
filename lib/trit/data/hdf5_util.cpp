#include "trit/data/hdf5_util.h"

#include <cstring>
#include <mutex>

#include "trit/core/error.h"

namespace trit::data::h5 {
namespace {

template <typename T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, int8_t>) return H5T_NATIVE_INT8;
  else if constexpr (std::is_same_v<T, uint8_t>) return H5T_NATIVE_UINT8;
  else if constexpr (std::is_same_v<T, int16_t>) return H5T_NATIVE_INT16;
  else if constexpr (std::is_same_v<T, uint16_t>) return H5T_NATIVE_UINT16;
  else if constexpr (std::is_same_v<T, int32_t>) return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, uint32_t>) return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, int64_t>) return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, uint64_t>) return H5T_NATIVE_UINT64;
  else if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  else static_assert(sizeof(T) == 0, "unsupported element type");
}

herr_t innermost(unsigned n, const H5E_error2_t* err, void* data) {
  // The walk goes from the innermost frame outwards; keep the first description.
  auto* out = static_cast<std::string*>(data);
  if (n == 0 && err->desc != nullptr) *out = err->desc;
  return 0;
}

Attribute open_attribute(hid_t obj, const char* name, std::string_view where) {
  TRIT_CHECK(has_attribute(obj, name), where, ": attribute '", name, "' is missing");
  return Attribute(check(H5Aopen(obj, name, H5P_DEFAULT), where,
                         str_cat("cannot open attribute '", name, "'")));
}

H5T_class_t attribute_class(hid_t attr) {
  Type type(H5Aget_type(attr));
  return type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
}

template <typename T>
void write_scalar_attribute(hid_t obj, const char* name, hid_t file_type, const T& value,
                            std::string_view where) {
  Space space(check(H5Screate(H5S_SCALAR), where, "cannot create a dataspace"));
  Attribute attr(check(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                       where, str_cat("cannot create attribute '", name, "'")));
  check(H5Awrite(attr.get(), native_type<T>(), &value), where,
        str_cat("cannot write attribute '", name, "'"));
}

template <typename T>
T read_scalar_attribute(hid_t obj, const char* name, H5T_class_t cls, const char* kind,
                        std::string_view where) {
  Attribute attr = open_attribute(obj, name, where);
  TRIT_CHECK(attribute_class(attr.get()) == cls, where, ": attribute '", name, "' is not ",
             kind);
  Space space(H5Aget_space(attr.get()));
  TRIT_CHECK(space.valid() && H5Sget_simple_extent_npoints(space.get()) == 1, where,
             ": attribute '", name, "' is not a single value");
  T value{};
  check(H5Aread(attr.get(), native_type<T>(), &value), where,
        str_cat("cannot read attribute '", name, "'"));
  return value;
}

}  // namespace

void quiet() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

std::string last_error() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &message);
  return message;
}

hid_t check(hid_t id, std::string_view where, std::string_view what) {
  if (id >= 0) return id;
  std::string detail = last_error();
  H5Eclear2(H5E_DEFAULT);
  if (detail.empty()) fail(where, ": ", what);
  fail(where, ": ", what, " (HDF5: ", detail, ")");
}

Type string_type() {
  Type type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

bool has_attribute(hid_t obj, const char* name) { return H5Aexists(obj, name) > 0; }

bool has_link(hid_t loc, const char* name) { return H5Lexists(loc, name, H5P_DEFAULT) > 0; }

void write_attribute(hid_t obj, const char* name, std::string_view value, std::string_view where) {
  std::string copy(value);
  const char* ptr = copy.c_str();
  Type type = string_type();
  Space space(check(H5Screate(H5S_SCALAR), where, "cannot create a dataspace"));
  Attribute attr(check(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                       where, str_cat("cannot create attribute '", name, "'")));
  check(H5Awrite(attr.get(), type.get(), &ptr), where,
        str_cat("cannot write attribute '", name, "'"));
}

void write_attribute(hid_t obj, const char* name, int64_t value, std::string_view where) {
  write_scalar_attribute(obj, name, H5T_STD_I64LE, value, where);
}

void write_attribute(hid_t obj, const char* name, double value, std::string_view where) {
  write_scalar_attribute(obj, name, H5T_IEEE_F64LE, value, where);
}

std::string read_string_attribute(hid_t obj, const char* name, std::string_view where) {
  Attribute attr = open_attribute(obj, name, where);
  Type type(H5Aget_type(attr.get()));
  TRIT_CHECK(type.valid() && H5Tget_class(type.get()) == H5T_STRING, where, ": attribute '",
             name, "' is not a string");
  Space space(H5Aget_space(attr.get()));
  TRIT_CHECK(space.valid() && H5Sget_simple_extent_npoints(space.get()) == 1, where,
             ": attribute '", name, "' is not a single string");
  if (H5Tis_variable_str(type.get()) > 0) {
    Type mem = string_type();
    char* ptr = nullptr;
    check(H5Aread(attr.get(), mem.get(), &ptr), where,
          str_cat("cannot read attribute '", name, "'"));
    std::string value = ptr ? ptr : "";
    H5free_memory(ptr);
    return value;
  }
  size_t size = H5Tget_size(type.get());
  std::string value(size, '\0');
  check(H5Aread(attr.get(), type.get(), value.data()), where,
        str_cat("cannot read attribute '", name, "'"));
  value.resize(strnlen(value.data(), size));
  return value;
}

int64_t read_int_attribute(hid_t obj, const char* name, std::string_view where) {
  return read_scalar_attribute<int64_t>(obj, name, H5T_INTEGER, "an integer", where);
}

double read_float_attribute(hid_t obj, const char* name, std::string_view where) {
  return read_scalar_attribute<double>(obj, name, H5T_FLOAT, "a float", where);
}

void write_dataset(hid_t loc, const char* name, hid_t mem_type, hid_t file_type,
                   const std::vector<hsize_t>& dims, const void* data, std::string_view where) {
  Space space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), where,
                    "cannot create a dataspace"));
  Dataset ds(check(H5Dcreate2(loc, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                              H5P_DEFAULT),
                   where, str_cat("cannot create dataset '", name, "'")));
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  if (n > 0)
    check(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), where,
          str_cat("cannot write dataset '", name, "'"));
}

void write_strings(hid_t loc, const char* name, const std::vector<std::string>& values,
                   std::string_view where) {
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  Type type = string_type();
  write_dataset(loc, name, type.get(), type.get(), {values.size()}, ptrs.data(), where);
}

std::vector<hsize_t> dataset_dims(hid_t dataset, size_t rank, std::string_view where) {
  Space space(check(H5Dget_space(dataset), where, "cannot read a dataset's shape"));
  int got = H5Sget_simple_extent_ndims(space.get());
  TRIT_CHECK(got == static_cast<int>(rank), where, ": has ", got, " dimensions, expected ", rank);
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

template <typename T>
std::vector<T> read_dataset(hid_t loc, const char* name, size_t rank, std::string_view where) {
  std::string ctx = str_cat(where, ": dataset '", name, "'");
  TRIT_CHECK(has_link(loc, name), ctx, " is missing");
  Dataset ds(check(H5Dopen2(loc, name, H5P_DEFAULT), ctx, "cannot open"));
  Type type(check(H5Dget_type(ds.get()), ctx, "cannot read its type"));
  H5T_class_t want = std::is_floating_point_v<T> ? H5T_FLOAT : H5T_INTEGER;
  TRIT_CHECK(H5Tget_class(type.get()) == want, ctx, " has the wrong type class, expected ",
             want == H5T_FLOAT ? "float" : "integer");
  hsize_t n = 1;
  for (hsize_t d : dataset_dims(ds.get(), rank, ctx)) n *= d;
  std::vector<T> out(n);
  if (n > 0)
    check(H5Dread(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), ctx,
          "cannot read");
  return out;
}

template std::vector<uint8_t> read_dataset<uint8_t>(hid_t, const char*, size_t, std::string_view);
template std::vector<int32_t> read_dataset<int32_t>(hid_t, const char*, size_t, std::string_view);
template std::vector<int64_t> read_dataset<int64_t>(hid_t, const char*, size_t, std::string_view);

std::vector<std::string> read_strings(hid_t loc, const char* name, std::string_view where) {
  std::string ctx = str_cat(where, ": dataset '", name, "'");
  TRIT_CHECK(has_link(loc, name), ctx, " is missing");
  Dataset ds(check(H5Dopen2(loc, name, H5P_DEFAULT), ctx, "cannot open"));
  Type type(check(H5Dget_type(ds.get()), ctx, "cannot read its type"));
  TRIT_CHECK(H5Tget_class(type.get()) == H5T_STRING && H5Tis_variable_str(type.get()) > 0, ctx,
             " is not an array of variable-length strings");
  auto dims = dataset_dims(ds.get(), 1, ctx);
  std::vector<char*> ptrs(dims[0], nullptr);
  Type mem = string_type();
  if (!ptrs.empty())
    check(H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), ctx,
          "cannot read");
  std::vector<std::string> out;
  for (char* p : ptrs) {
    out.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  return out;
}

}  // namespace trit::data::h5

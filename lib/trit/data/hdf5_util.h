#pragma once
// Small RAII layer over the HDF5 C API for the dataset file: handles that close themselves,
// error checks that name the file and the object, and typed attribute / 1-D dataset helpers.
// HDF5's automatic error printing is switched off (quiet()); its innermost message is
// appended to ours instead.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trit::data::h5 {

template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() { close(); }
  // Closes now and returns HDF5's status (negative on failure, e.g. a failed final flush).
  herr_t close() {
    herr_t status = id_ >= 0 ? Close(id_) : 0;
    id_ = H5I_INVALID_HID;
    return status;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Space = Handle<H5Sclose>;
using Type = Handle<H5Tclose>;
using Plist = Handle<H5Pclose>;
using Attribute = Handle<H5Aclose>;

// Turns off HDF5's printing of error stacks (once per process).
void quiet();

// The innermost HDF5 error message of the current stack, or "".
std::string last_error();

// Throws trit::Error "<where>: <what> (<HDF5 message>)" when id < 0; returns id otherwise.
hid_t check(hid_t id, std::string_view where, std::string_view what);

// Variable-length UTF-8 string type.
Type string_type();

bool has_attribute(hid_t obj, const char* name);
bool has_link(hid_t loc, const char* name);

void write_attribute(hid_t obj, const char* name, std::string_view value, std::string_view where);
void write_attribute(hid_t obj, const char* name, int64_t value, std::string_view where);
void write_attribute(hid_t obj, const char* name, double value, std::string_view where);

// Reads an attribute, checking its type class (string: fixed or variable length).
std::string read_string_attribute(hid_t obj, const char* name, std::string_view where);
int64_t read_int_attribute(hid_t obj, const char* name, std::string_view where);
double read_float_attribute(hid_t obj, const char* name, std::string_view where);

// Whole small datasets (contiguous). dims.size() is the rank.
void write_dataset(hid_t loc, const char* name, hid_t mem_type, hid_t file_type,
                   const std::vector<hsize_t>& dims, const void* data, std::string_view where);
void write_strings(hid_t loc, const char* name, const std::vector<std::string>& values,
                   std::string_view where);

// Shape of a dataset; checks its rank.
std::vector<hsize_t> dataset_dims(hid_t dataset, size_t rank, std::string_view where);
// Reads a whole dataset converted to T (int8_t..int64_t, uint8_t..uint64_t, double) after
// checking that the stored type is of the same class (integer / float) and its rank.
template <typename T>
std::vector<T> read_dataset(hid_t loc, const char* name, size_t rank, std::string_view where);
std::vector<std::string> read_strings(hid_t loc, const char* name, std::string_view where);

}  // namespace trit::data::h5

#pragma once
// RAII for HDF5 C API handles, and HDF5 errors turned into trit::Error. Internal to lib/
// (HDF5 is a private dependency of libtrit): include only from .cpp files.
#include <hdf5.h>

#include <string>
#include <string_view>
#include <utility>

#include "trit/core/error.h"

namespace trit::formats::h5 {

// Owns one hid_t and closes it with the matching H5*close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), closer_(o.closer_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      closer_ = o.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  // Closes now and reports failure (a file's close is where buffered writes can fail).
  herr_t close() {
    herr_t rc = 0;
    if (id_ >= 0 && closer_ != nullptr) rc = closer_(id_);
    id_ = H5I_INVALID_HID;
    return rc;
  }

 private:
  void reset() { (void)close(); }
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// While alive, HDF5 prints nothing to stderr; its messages are collected by error_stack().
class QuietErrors {
 public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// The messages on HDF5's current error stack, most specific first, joined; clears the stack.
std::string error_stack();

// Throws "<file>: <what>: <HDF5's messages>" when an HDF5 call returned a negative value.
template <typename T>
T check(T rc, std::string_view file, std::string_view what) {
  if (rc < 0) fail(file, ": ", what, " (HDF5: ", error_stack(), ")");
  return rc;
}

inline Handle check_handle(hid_t id, Handle::Closer closer, std::string_view file, std::string_view what) {
  return Handle(check(id, file, what), closer);
}

}  // namespace trit::formats::h5

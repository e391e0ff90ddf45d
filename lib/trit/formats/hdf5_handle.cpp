#include "trit/formats/hdf5_handle.h"

namespace trit::formats::h5 {

namespace {

herr_t collect(unsigned n, const H5E_error2_t* err, void* out) {
  auto& text = *static_cast<std::string*>(out);
  if (n >= 3 || err->desc == nullptr || err->desc[0] == '\0') return 0;  // the innermost few say enough
  if (!text.empty()) text += "; ";
  text += err->desc;
  return 0;
}

}  // namespace

std::string error_stack() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect, &text);
  H5Eclear2(H5E_DEFAULT);
  return text.empty() ? "no details" : text;
}

}  // namespace trit::formats::h5

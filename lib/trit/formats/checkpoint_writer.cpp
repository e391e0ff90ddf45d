// Writes the HDF5 checkpoint described in trit/formats/checkpoint.h.
#include <algorithm>
#include <vector>

#include "trit/formats/atomic_file.h"
#include "trit/formats/checkpoint.h"
#include "trit/formats/checkpoint_hdf5.h"

namespace trit::formats {

namespace {

void validate(const Checkpoint& c, const std::string& file) {
  TRIT_CHECK(!c.model.empty(), file, ": checkpoint has no model family name");
  const std::pair<const char*, const ArrayGroup*> groups[] = {
      {"params", &c.params}, {"optim", &c.optim}, {"rng", &c.rng}, {"data", &c.data}};
  for (const auto& [group, arrays] : groups) {
    for (const auto& [name, a] : *arrays) {
      const std::string what = str_cat(file, ": ", group, "/", name);
      TRIT_CHECK(!name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos, what,
                 ": dataset names must be non-empty and contain no '/'");
      TRIT_CHECK(std::string_view(group) != "params" || a.dtype == ArrayType::f32, what, " is ",
                 array_type_name(a.dtype), ", parameters must be f32");
      TRIT_CHECK(a.shape.size() <= H5S_MAX_RANK, what, " has ", a.shape.size(), " dimensions, HDF5 allows ",
                 H5S_MAX_RANK);
      const uint64_t numel = a.numel();
      TRIT_CHECK(numel <= a.bytes.size() / array_type_size(a.dtype) && a.bytes.size() == numel * array_type_size(a.dtype),
                 what, ": ", a.bytes.size(), " bytes given, shape and dtype ", array_type_name(a.dtype), " need ",
                 numel, " elements");
    }
  }
}

// Fixed-length UTF-8 (NUL-padded) rather than variable-length: the value lives inside the
// attribute's header message, which carries a checksum, not in HDF5's unchecked global heap,
// whose corruption crashes HDF5 1.10 instead of failing cleanly. h5py reads it as bytes.
void write_string_attribute(hid_t obj, const char* name, std::string_view value, const std::string& file) {
  h5::Handle type = h5::check_handle(H5Tcopy(H5T_C_S1), H5Tclose, file, "cannot make a string type");
  h5::check(H5Tset_size(type, std::max<size_t>(value.size(), 1)), file, "cannot make a string type");
  h5::check(H5Tset_strpad(type, H5T_STR_NULLPAD), file, "cannot make a string type");
  h5::check(H5Tset_cset(type, H5T_CSET_UTF8), file, "cannot make a string type");
  h5::Handle space = h5::check_handle(H5Screate(H5S_SCALAR), H5Sclose, file, "cannot make a dataspace");
  h5::Handle attr = h5::check_handle(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, file,
                                     str_cat("cannot create attribute ", name));
  std::string padded(value);
  padded.resize(std::max<size_t>(value.size(), 1), '\0');
  h5::check(H5Awrite(attr, type, padded.data()), file, str_cat("cannot write attribute ", name));
}

void write_int_attribute(hid_t obj, const char* name, int64_t value, const std::string& file) {
  h5::Handle space = h5::check_handle(H5Screate(H5S_SCALAR), H5Sclose, file, "cannot make a dataspace");
  h5::Handle attr = h5::check_handle(H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT),
                                     H5Aclose, file, str_cat("cannot create attribute ", name));
  h5::check(H5Awrite(attr, H5T_NATIVE_INT64, &value), file, str_cat("cannot write attribute ", name));
}

void write_group(hid_t root, const char* group, const ArrayGroup& arrays, const std::string& file) {
  h5::Handle g = h5::check_handle(H5Gcreate2(root, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, file,
                                  str_cat("cannot create group ", group));
  for (const auto& [name, a] : arrays) {
    const std::string what = str_cat(group, "/", name);
    std::vector<hsize_t> dims(a.shape.begin(), a.shape.end());
    h5::Handle space = h5::check_handle(
        a.shape.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose,
        file, str_cat("cannot make the dataspace of ", what));
    h5::Handle ds = h5::check_handle(
        H5Dcreate2(g, name.c_str(), h5::file_type(a.dtype), space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
        file, str_cat("cannot create dataset ", what));
    if (!a.bytes.empty())
      h5::check(H5Dwrite(ds, h5::native_type(a.dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, a.bytes.data()), file,
                str_cat("cannot write dataset ", what));
  }
}

}  // namespace

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& c) {
  const std::string file = path.string();
  validate(c, file);
  h5::QuietErrors quiet;
  TempPath temp(path);
  {
    // HDF5 1.8+ object formats: object headers and indexes carry checksums, so a damaged
    // file is reported as such when read instead of being trusted.
    h5::Handle fapl = h5::check_handle(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, file, "cannot make file properties");
    h5::check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST), file, "cannot set format version");
    h5::Handle f = h5::check_handle(H5Fcreate(temp.path().c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl), H5Fclose, file,
                                    str_cat("cannot create ", temp.path().string()));
    write_string_attribute(f, "format", kCheckpointFormat, file);
    write_int_attribute(f, "format_version", kCheckpointFormatVersion, file);
    write_string_attribute(f, "model", c.model, file);
    write_string_attribute(f, "config", c.config_json, file);
    write_int_attribute(f, "step", c.step, file);
    write_int_attribute(f, "tokens", c.tokens, file);
    write_group(f, "params", c.params, file);
    write_group(f, "optim", c.optim, file);
    write_group(f, "rng", c.rng, file);
    write_group(f, "data", c.data, file);
    h5::check(f.close(), file, "cannot finish writing the file");
  }
  temp.commit();
}

}  // namespace trit::formats

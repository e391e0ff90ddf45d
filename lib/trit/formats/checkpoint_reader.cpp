// Reads and validates the HDF5 checkpoint described in trit/formats/checkpoint.h.
#include <cstring>
#include <fstream>
#include <limits>
#include <vector>

#include "trit/formats/checkpoint.h"
#include "trit/formats/checkpoint_hdf5.h"

namespace trit::formats {

namespace {

uint64_t le_u64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Checks the end-of-file address in the HDF5 superblock (at offset 0, where trit and h5py put
// it) against the real size before HDF5 sees the file: HDF5 1.10 detects truncation itself,
// but leaks internal state on that path and then prints "infinite loop closing library" at exit.
void check_not_truncated(const std::filesystem::path& path, const std::string& file) {
  unsigned char sb[64] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(sb), sizeof(sb));
  const auto got = uint64_t(in.gcount());
  const uint64_t size = std::filesystem::file_size(path);
  TRIT_CHECK(got >= 8 && std::memcmp(sb, "\x89HDF\r\n\x1a\n", 8) == 0, file, ": not an HDF5 file");
  const unsigned version = sb[8];
  uint64_t eof_at = 0;  // where the base address is; the end-of-file address follows
  unsigned offset_size = 0;
  if (version == 2 || version == 3) {
    offset_size = sb[9];
    eof_at = 12 + 16;  // base address, superblock extension address, end-of-file address
  } else if (version == 0 || version == 1) {
    offset_size = sb[13];
    eof_at = (version == 0 ? 24 : 28) + 16;  // base address, free-space address, end-of-file address
  }
  if (offset_size != 8 || eof_at == 0) return;  // unusual layouts: HDF5's own checks apply
  TRIT_CHECK(got >= eof_at + 8, file, ": truncated: ", size, " bytes cannot hold the HDF5 superblock");
  const uint64_t base = le_u64(sb + eof_at - 16);
  const uint64_t eof = le_u64(sb + eof_at);
  TRIT_CHECK(base <= size && eof <= size - base, file, ": truncated: the HDF5 superblock says the file ends at byte ",
             base + eof, " but it has ", size, " bytes");
}

h5::Handle open_attribute(hid_t obj, const char* name, const std::string& file) {
  TRIT_CHECK(H5Aexists(obj, name) > 0, file, ": root attribute '", name, "' is missing");
  return h5::check_handle(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose, file, str_cat("cannot open attribute ", name));
}

void require_scalar(hid_t attr, const char* name, const std::string& file) {
  h5::Handle space = h5::check_handle(H5Aget_space(attr), H5Sclose, file, str_cat("attribute ", name));
  TRIT_CHECK(H5Sget_simple_extent_npoints(space) == 1, file, ": attribute '", name, "' must be a single value");
}

std::string read_string_attribute(hid_t obj, const char* name, const std::string& file) {
  h5::Handle attr = open_attribute(obj, name, file);
  require_scalar(attr, name, file);
  h5::Handle type = h5::check_handle(H5Aget_type(attr), H5Tclose, file, str_cat("attribute ", name));
  TRIT_CHECK(H5Tget_class(type) == H5T_STRING, file, ": attribute '", name, "' must be a string");
  const htri_t variable = h5::check(H5Tis_variable_str(type), file, str_cat("attribute ", name));
  if (variable > 0) {
    h5::Handle mem = h5::check_handle(H5Tcopy(H5T_C_S1), H5Tclose, file, "string type");
    h5::check(H5Tset_size(mem, H5T_VARIABLE), file, "string type");
    h5::check(H5Tset_cset(mem, H5Tget_cset(type)), file, "string type");
    char* ptr = nullptr;
    h5::check(H5Aread(attr, mem, &ptr), file, str_cat("cannot read attribute ", name));
    std::string out = ptr != nullptr ? std::string(ptr) : std::string();
    H5free_memory(ptr);
    return out;
  }
  const size_t size = H5Tget_size(type);
  std::string out(size, '\0');
  if (size > 0) h5::check(H5Aread(attr, type, out.data()), file, str_cat("cannot read attribute ", name));
  while (!out.empty() && out.back() == '\0') out.pop_back();  // fixed-length strings are NUL-padded
  return out;
}

int64_t read_int_attribute(hid_t obj, const char* name, const std::string& file) {
  h5::Handle attr = open_attribute(obj, name, file);
  require_scalar(attr, name, file);
  h5::Handle type = h5::check_handle(H5Aget_type(attr), H5Tclose, file, str_cat("attribute ", name));
  TRIT_CHECK(H5Tget_class(type) == H5T_INTEGER, file, ": attribute '", name, "' must be an integer");
  int64_t value = 0;
  h5::check(H5Aread(attr, H5T_NATIVE_INT64, &value), file, str_cat("cannot read attribute ", name));
  return value;
}

NamedArray read_dataset(hid_t group, const std::string& name, const std::string& what, const std::string& file,
                        uint64_t file_size) {
  h5::Handle ds = h5::check_handle(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, file,
                                   str_cat("cannot open dataset ", what));
  h5::Handle type = h5::check_handle(H5Dget_type(ds), H5Tclose, file, str_cat("type of ", what));
  const auto dtype = h5::array_type_of_h5(type);
  TRIT_CHECK(dtype.has_value(), file, ": ", what, " has an element type checkpoints do not use (HDF5 class ",
             int(H5Tget_class(type)), ", ", H5Tget_size(type), " bytes)");
  h5::Handle space = h5::check_handle(H5Dget_space(ds), H5Sclose, file, str_cat("dataspace of ", what));
  const int rank = h5::check(H5Sget_simple_extent_ndims(space), file, str_cat("dataspace of ", what));
  NamedArray a;
  a.dtype = *dtype;
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (rank > 0) h5::check(H5Sget_simple_extent_dims(space, dims.data(), nullptr), file, str_cat("shape of ", what));
  a.shape.assign(dims.begin(), dims.end());
  const uint64_t elem = array_type_size(a.dtype);
  uint64_t numel = 1;
  for (uint64_t d : a.shape) {
    TRIT_CHECK(d == 0 || numel <= std::numeric_limits<uint64_t>::max() / elem / d, file, ": ", what,
               ": size overflows");
    numel *= d;
  }
  const uint64_t n_bytes = numel * elem;
  // Bound the allocation by what the file can hold before trusting the header: uncompressed
  // contiguous data must be stored in full inside the file; other layouts (chunked, gzip from
  // h5py) may expand, but not beyond deflate's ~1032:1 limit.
  h5::Handle dcpl = h5::check_handle(H5Dget_create_plist(ds), H5Pclose, file, str_cat("layout of ", what));
  if (H5Pget_layout(dcpl) == H5D_CONTIGUOUS && H5Pget_nfilters(dcpl) == 0) {
    const hsize_t stored = H5Dget_storage_size(ds);
    TRIT_CHECK(n_bytes == 0 || stored == n_bytes, file, ": ", what, " stores ", stored, " bytes, its shape and dtype ",
               array_type_name(a.dtype), " need ", n_bytes);
    TRIT_CHECK(n_bytes <= file_size, file, ": ", what, " claims ", n_bytes, " bytes, more than the file's ", file_size);
  } else {
    TRIT_CHECK(n_bytes / 1100 <= file_size, file, ": ", what, " claims ", n_bytes,
               " bytes, implausible for a file of ", file_size, " bytes");
  }
  try {
    a.bytes.resize(size_t(n_bytes));
  } catch (const std::exception&) {  // bad_alloc or length_error
    fail(file, ": ", what, " needs ", n_bytes, " bytes, more memory than is available");
  }
  if (n_bytes > 0)
    h5::check(H5Dread(ds, h5::native_type(a.dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, a.bytes.data()), file,
              str_cat("cannot read dataset ", what));
  return a;
}

ArrayGroup read_group(hid_t root, const char* group, const std::string& file, uint64_t file_size) {
  TRIT_CHECK(H5Lexists(root, group, H5P_DEFAULT) > 0, file, ": group '", group, "' is missing");
  h5::Handle g = h5::check_handle(H5Gopen2(root, group, H5P_DEFAULT), H5Gclose, file,
                                  str_cat("'", group, "' is not a group"));
  H5G_info_t info{};
  h5::check(H5Gget_info(g, &info), file, str_cat("cannot list group ", group));
  ArrayGroup arrays;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len = h5::check(H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT),
                                  file, str_cat("cannot list group ", group));
    std::string name(size_t(len) + 1, '\0');
    h5::check(H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT), file,
              str_cat("cannot list group ", group));
    name.resize(size_t(len));
    const std::string what = str_cat(group, "/", name);
    {
      h5::Handle obj = h5::check_handle(H5Oopen(g, name.c_str(), H5P_DEFAULT), H5Oclose, file,
                                        str_cat("cannot open ", what));
      TRIT_CHECK(H5Iget_type(obj) == H5I_DATASET, file, ": ", what, " is not a dataset (groups under ", group,
                 "/ hold only datasets)");
    }
    NamedArray a = read_dataset(g, name, what, file, file_size);
    TRIT_CHECK(std::string_view(group) != "params" || a.dtype == ArrayType::f32, file, ": ", what, " is ",
               array_type_name(a.dtype), ", parameters must be f32");
    arrays.emplace(std::move(name), std::move(a));
  }
  return arrays;
}

}  // namespace

namespace {

// An opened checkpoint file whose format attribute has been checked.
struct OpenedCheckpoint {
  h5::Handle fapl, file, root;
};

OpenedCheckpoint open_checkpoint(const std::filesystem::path& path, const std::string& file) {
  std::error_code ec;
  TRIT_CHECK(std::filesystem::is_regular_file(path, ec), file, ": no such checkpoint file");
  check_not_truncated(path, file);
  OpenedCheckpoint o;
  // A strong close releases everything HDF5 holds for the file, also after a failed read.
  o.fapl = h5::check_handle(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, file, "cannot make file properties");
  h5::check(H5Pset_fclose_degree(o.fapl, H5F_CLOSE_STRONG), file, "cannot set the close degree");
  o.file = h5::check_handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, o.fapl), H5Fclose, file, "cannot open the HDF5 file");
  o.root = h5::check_handle(H5Gopen2(o.file, "/", H5P_DEFAULT), H5Gclose, file, "cannot open the root group");
  const std::string format = read_string_attribute(o.root, "format", file);
  TRIT_CHECK(format == kCheckpointFormat, file, ": format attribute is '", format, "', expected '", kCheckpointFormat,
             "'");
  return o;
}

}  // namespace

std::string read_checkpoint_family(const std::filesystem::path& path) {
  const std::string file = path.string();
  h5::QuietErrors quiet;
  const OpenedCheckpoint o = open_checkpoint(path, file);
  return read_string_attribute(o.root, "model", file);
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  const std::string file = path.string();
  h5::QuietErrors quiet;
  const OpenedCheckpoint opened = open_checkpoint(path, file);
  const h5::Handle& root = opened.root;
  Checkpoint c;
  c.format_version = read_int_attribute(root, "format_version", file);
  TRIT_CHECK(c.format_version >= 1 && c.format_version <= kCheckpointFormatVersion, file, ": format_version ",
             c.format_version, " is not supported (this trit reads 1..", kCheckpointFormatVersion, ")");
  c.model = read_string_attribute(root, "model", file);
  c.config_json = read_string_attribute(root, "config", file);
  c.step = read_int_attribute(root, "step", file);
  c.tokens = read_int_attribute(root, "tokens", file);
  TRIT_CHECK(c.step >= 0 && c.tokens >= 0, file, ": step (", c.step, ") and tokens (", c.tokens,
             ") must not be negative");
  const uint64_t size = std::filesystem::file_size(path);
  c.params = read_group(root, "params", file, size);
  c.optim = read_group(root, "optim", file, size);
  c.rng = read_group(root, "rng", file, size);
  c.data = read_group(root, "data", file, size);
  return c;
}

}  // namespace trit::formats

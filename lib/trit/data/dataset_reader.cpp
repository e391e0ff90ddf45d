// DatasetFile: opening and validating a trit dataset file, reading token ranges.
#include <algorithm>

#include "trit/core/error.h"
#include "trit/data/dataset_file.h"
#include "trit/data/hdf5_util.h"
#include "trit/data/tokenizer_hdf5.h"

namespace trit::data {
namespace {

std::vector<SourceInfo> read_sources(hid_t file, const std::string& where) {
  TRIT_CHECK(h5::has_link(file, "sources"), where, ": group /sources is missing");
  h5::Group group(h5::check(H5Gopen2(file, "sources", H5P_DEFAULT), where,
                            "cannot open group /sources"));
  const std::string ctx = where + ": /sources";
  auto paths = h5::read_strings(group.get(), "path", ctx);
  auto digests = h5::read_strings(group.get(), "sha256", ctx);
  auto sizes = h5::read_dataset<int64_t>(group.get(), "n_bytes", 1, ctx);
  TRIT_CHECK(paths.size() == digests.size() && paths.size() == sizes.size(), ctx,
             ": path, sha256 and n_bytes differ in length");
  std::vector<SourceInfo> sources;
  for (size_t i = 0; i < paths.size(); ++i) sources.push_back({paths[i], sizes[i], digests[i]});
  return sources;
}

}  // namespace

struct DatasetFile::Impl {
  std::filesystem::path path_;
  std::string where_;
  h5::File file_;
  h5::Dataset tokens_[2];
  SplitInfo splits_[2];
  TokenizerSpec tokenizer_spec_;
  int64_t n_vocab_ = 0;
  std::vector<SourceInfo> sources_;

  explicit Impl(std::filesystem::path path);
};

DatasetFile::DatasetFile(std::filesystem::path path)
    : impl_(std::make_unique<Impl>(std::move(path))) {}
DatasetFile::~DatasetFile() = default;
DatasetFile::DatasetFile(DatasetFile&&) noexcept = default;
DatasetFile& DatasetFile::operator=(DatasetFile&&) noexcept = default;
const std::filesystem::path& DatasetFile::path() const { return impl_->path_; }
const TokenizerSpec& DatasetFile::tokenizer_spec() const { return impl_->tokenizer_spec_; }
int64_t DatasetFile::n_vocab() const { return impl_->n_vocab_; }
const SplitInfo& DatasetFile::split(Split s) const { return impl_->splits_[static_cast<int>(s)]; }
const std::vector<SourceInfo>& DatasetFile::sources() const { return impl_->sources_; }

DatasetFile::Impl::Impl(std::filesystem::path path)
    : path_(std::move(path)), where_(path_.string()) {
  h5::quiet();
  std::error_code ec;
  TRIT_CHECK(std::filesystem::is_regular_file(path_, ec), where_, ": no such dataset file");
  TRIT_CHECK(H5Fis_hdf5(where_.c_str()) > 0, where_,
             ": not an HDF5 file (a trit dataset is made by `trit-data prepare`)");
  file_ = h5::File(h5::check(H5Fopen(where_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), where_,
                             "cannot open: the HDF5 file is truncated or corrupt"));
  const hid_t root = file_.get();
  std::string format = h5::read_string_attribute(root, "format", where_);
  TRIT_CHECK(format == kDatasetFormat, where_, ": format is \"", format, "\", expected \"",
             kDatasetFormat, "\"");
  int64_t version = h5::read_int_attribute(root, "format_version", where_);
  TRIT_CHECK(version == kDatasetFormatVersion, where_, ": format_version ", version,
             " is not supported (this trit reads version ", kDatasetFormatVersion, ")");
  n_vocab_ = h5::read_int_attribute(root, "n_vocab", where_);
  tokenizer_spec_ = read_tokenizer_group(root, "tokenizer", where_);
  TRIT_CHECK(n_vocab_ == static_cast<int64_t>(tokenizer_spec_.tokens.size()), where_,
             ": n_vocab ", n_vocab_, " differs from the tokenizer's ",
             tokenizer_spec_.tokens.size(), " tokens");
  sources_ = read_sources(root, where_);

  for (Split split : {Split::train, Split::val}) {
    const char* name = split_name(split);
    const std::string ctx = str_cat(where_, ": /", name);
    TRIT_CHECK(h5::has_link(root, name), ctx, " is missing");
    h5::Group group(h5::check(H5Gopen2(root, name, H5P_DEFAULT), ctx, "cannot open"));
    TRIT_CHECK(h5::has_link(group.get(), "tokens"), ctx, "/tokens is missing");
    h5::Dataset tokens(h5::check(H5Dopen2(group.get(), "tokens", H5P_DEFAULT), ctx,
                                 "cannot open tokens"));
    h5::Type type(h5::check(H5Dget_type(tokens.get()), ctx, "cannot read the token type"));
    const bool small = n_vocab_ <= 65536;
    TRIT_CHECK(H5Tget_class(type.get()) == H5T_INTEGER &&
                   H5Tget_size(type.get()) == (small ? 2u : 4u) &&
                   H5Tget_sign(type.get()) == (small ? H5T_SGN_NONE : H5T_SGN_2),
               ctx, "/tokens has the wrong type, expected ", small ? "uint16" : "int32",
               " for n_vocab ", n_vocab_);
    auto dims = h5::dataset_dims(tokens.get(), 1, ctx + "/tokens");
    SplitInfo& info = splits_[static_cast<int>(split)];
    info.n_tokens = h5::read_int_attribute(group.get(), "n_tokens", ctx);
    info.n_bytes = h5::read_int_attribute(group.get(), "n_bytes", ctx);
    TRIT_CHECK(info.n_tokens == static_cast<int64_t>(dims[0]), ctx, ": n_tokens ", info.n_tokens,
               " differs from the ", dims[0], " stored tokens");
    TRIT_CHECK(info.n_bytes >= 0, ctx, ": n_bytes is negative");
    tokens_[static_cast<int>(split)] = std::move(tokens);
  }
}

std::unique_ptr<Tokenizer> DatasetFile::make_tokenizer() const {
  return trit::data::make_tokenizer(impl_->tokenizer_spec_, impl_->where_);
}

std::string DatasetFile::attribute(const char* name) const {
  return h5::read_string_attribute(impl_->file_.get(), name, impl_->where_);
}

double DatasetFile::val_fraction() const {
  return h5::read_float_attribute(impl_->file_.get(), "val_fraction", impl_->where_);
}

void DatasetFile::read(Split s, int64_t start, int64_t count, int32_t* out) const {
  const Impl& m = *impl_;
  const std::string& where_ = m.where_;
  const int64_t n_vocab_ = m.n_vocab_;
  const SplitInfo& info = split(s);
  TRIT_CHECK(start >= 0 && count >= 0 && start + count <= info.n_tokens, where_,
             ": tokens [", start, ", ", start + count, ") are outside split ", split_name(s),
             " of ", info.n_tokens, " tokens");
  if (count == 0) return;
  const h5::Dataset& ds = m.tokens_[static_cast<int>(s)];
  hsize_t offset = static_cast<hsize_t>(start), n = static_cast<hsize_t>(count);
  h5::Space file_space(H5Dget_space(ds.get()));
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &offset, nullptr, &n, nullptr);
  h5::Space mem_space(H5Screate_simple(1, &n, nullptr));
  h5::check(H5Dread(ds.get(), H5T_NATIVE_INT32, mem_space.get(), file_space.get(), H5P_DEFAULT,
                    out),
            where_, str_cat("cannot read /", split_name(s), "/tokens [", start, ", ",
                            start + count, "): the file is corrupt"));
  for (int64_t i = 0; i < count; ++i)
    TRIT_CHECK(out[i] >= 0 && out[i] < n_vocab_, where_, ": /", split_name(s), "/tokens[",
               start + i, "] = ", out[i], " is not below n_vocab ", n_vocab_);
}

}  // namespace trit::data

#include "trit/data/dataset_file.h"

#include <unistd.h>

#include <algorithm>

#include "trit/core/error.h"
#include "trit/data/hdf5_util.h"
#include "trit/data/tokenizer_hdf5.h"

namespace trit::data {

const char* split_name(Split split) { return split == Split::train ? "train" : "val"; }

Split parse_split(std::string_view name) {
  if (name == "train") return Split::train;
  if (name == "val") return Split::val;
  fail("unknown split \"", name, "\", expected \"train\" or \"val\"");
}

namespace {

constexpr Split kSplits[] = {Split::train, Split::val};

// Token ids are stored as uint16 when they fit (half the size of int32).
hid_t token_file_type(int64_t n_vocab) {
  return n_vocab <= 65536 ? H5T_STD_U16LE : H5T_STD_I32LE;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Writer

struct DatasetWriter::Impl {
  struct Stream {
    h5::Group group;
    h5::Dataset tokens;
    std::vector<int32_t> buffer;
    SplitInfo info;
  };

  Impl(std::filesystem::path path, const TokenizerSpec& tokenizer, DatasetWriterOptions options);
  ~Impl();
  void append(Split split, std::span<const int32_t> ids, int64_t n_bytes);
  void flush(Stream& s);
  void finish();

  std::filesystem::path path_, tmp_path_;
  DatasetWriterOptions options_;
  int64_t n_vocab_;
  std::string tokenizer_name_;
  h5::File file_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::vector<SourceInfo> sources_;
  bool finished_ = false;
};

DatasetWriter::DatasetWriter(std::filesystem::path path, const TokenizerSpec& tokenizer,
                             DatasetWriterOptions options)
    : impl_(std::make_unique<Impl>(std::move(path), tokenizer, std::move(options))) {}
DatasetWriter::~DatasetWriter() = default;
void DatasetWriter::append(Split split, std::span<const int32_t> ids, int64_t n_bytes) {
  impl_->append(split, ids, n_bytes);
}
void DatasetWriter::add_source(SourceInfo source) { impl_->sources_.push_back(std::move(source)); }
const SplitInfo& DatasetWriter::split_info(Split split) const {
  return impl_->streams_[static_cast<int>(split)]->info;
}
void DatasetWriter::finish() { impl_->finish(); }

DatasetWriter::Impl::Impl(std::filesystem::path path, const TokenizerSpec& tokenizer,
                          DatasetWriterOptions options)
    : path_(std::move(path)), options_(std::move(options)),
      n_vocab_(static_cast<int64_t>(tokenizer.tokens.size())) {
  h5::quiet();
  TRIT_CHECK(options_.compression >= 0 && options_.compression <= 9, path_.string(),
             ": compression level ", options_.compression, " is outside 0..9");
  TRIT_CHECK(options_.chunk_tokens > 0, path_.string(), ": chunk size must be positive");
  const std::filesystem::path folder = path_.parent_path();
  std::error_code ec;
  TRIT_CHECK(folder.empty() || std::filesystem::is_directory(folder, ec), path_.string(),
             ": cannot write here, the folder ", folder.string(), " does not exist");
  tmp_path_ = path_;
  tmp_path_ += str_cat(".tmp-", getpid());
  const std::string where = tmp_path_.string();
  file_ = h5::File(h5::check(H5Fcreate(where.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                             where, "cannot create the file"));
  tokenizer_name_ = write_tokenizer_group(file_.get(), "tokenizer", tokenizer, where);
  for (Split split : kSplits) {
    auto s = std::make_unique<Stream>();
    const char* name = split_name(split);
    s->group = h5::Group(h5::check(
        H5Gcreate2(file_.get(), name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), where,
        str_cat("cannot create group /", name)));
    hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = static_cast<hsize_t>(options_.chunk_tokens);
    h5::Space space(H5Screate_simple(1, &zero, &unlimited));
    h5::Plist props(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_chunk(props.get(), 1, &chunk);
    if (options_.compression > 0) {
      H5Pset_shuffle(props.get());
      H5Pset_deflate(props.get(), static_cast<unsigned>(options_.compression));
    }
    H5Pset_fletcher32(props.get());
    s->tokens = h5::Dataset(h5::check(
        H5Dcreate2(s->group.get(), "tokens", token_file_type(n_vocab_), space.get(), H5P_DEFAULT,
                   props.get(), H5P_DEFAULT),
        where, str_cat("cannot create /", name, "/tokens")));
    streams_.push_back(std::move(s));
  }
}

DatasetWriter::Impl::~Impl() {
  if (finished_) return;
  streams_.clear();
  file_.reset();
  std::error_code ignored;
  std::filesystem::remove(tmp_path_, ignored);
}


void DatasetWriter::Impl::append(Split split, std::span<const int32_t> ids, int64_t n_bytes) {
  TRIT_CHECK(!finished_, path_.string(), ": append after finish");
  Stream& s = *streams_[static_cast<int>(split)];
  for (int32_t id : ids)
    TRIT_CHECK(id >= 0 && id < n_vocab_, path_.string(), ": token id ", id,
               " is outside the vocabulary (", n_vocab_, ")");
  s.buffer.insert(s.buffer.end(), ids.begin(), ids.end());
  s.info.n_bytes += n_bytes;
  // Writes go out in pieces of at least 1M tokens: few, large HDF5 writes.
  if (static_cast<int64_t>(s.buffer.size()) >= std::max<int64_t>(16 * options_.chunk_tokens, 1 << 20))
    flush(s);
}

void DatasetWriter::Impl::flush(Stream& s) {
  if (s.buffer.empty()) return;
  const std::string where = tmp_path_.string();
  hsize_t start = static_cast<hsize_t>(s.info.n_tokens), count = s.buffer.size();
  hsize_t new_size = start + count;
  h5::check(H5Dset_extent(s.tokens.get(), &new_size), where, "cannot extend a token dataset");
  h5::Space file_space(H5Dget_space(s.tokens.get()));
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr);
  h5::Space mem_space(H5Screate_simple(1, &count, nullptr));
  h5::check(H5Dwrite(s.tokens.get(), H5T_NATIVE_INT32, mem_space.get(), file_space.get(),
                     H5P_DEFAULT, s.buffer.data()),
            where, "cannot write tokens (disk full?)");
  s.info.n_tokens += static_cast<int64_t>(count);
  s.buffer.clear();
}

void DatasetWriter::Impl::finish() {
  TRIT_CHECK(!finished_, path_.string(), ": finish called twice");
  const std::string where = tmp_path_.string();
  for (auto& s : streams_) {
    flush(*s);
    h5::write_attribute(s->group.get(), "n_tokens", s->info.n_tokens, where);
    h5::write_attribute(s->group.get(), "n_bytes", s->info.n_bytes, where);
  }
  const hid_t root = file_.get();
  h5::write_attribute(root, "format", std::string_view(kDatasetFormat), where);
  h5::write_attribute(root, "format_version", kDatasetFormatVersion, where);
  h5::write_attribute(root, "tokenizer", tokenizer_name_, where);
  h5::write_attribute(root, "n_vocab", n_vocab_, where);
  h5::write_attribute(root, "encoding", options_.encoding, where);
  h5::write_attribute(root, "val_fraction", options_.val_fraction, where);
  h5::write_attribute(root, "split_rule", options_.split_rule, where);
  h5::write_attribute(root, "created_by", std::string_view("trit-data " TRIT_VERSION), where);

  h5::Group sources(h5::check(
      H5Gcreate2(root, "sources", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), where,
      "cannot create group /sources"));
  std::vector<std::string> paths, digests;
  std::vector<int64_t> sizes;
  int64_t total = 0;
  for (const auto& src : sources_) {
    paths.push_back(src.path);
    digests.push_back(src.sha256);
    sizes.push_back(src.n_bytes);
    total += src.n_bytes;
  }
  h5::write_strings(sources.get(), "path", paths, where);
  h5::write_strings(sources.get(), "sha256", digests, where);
  h5::write_dataset(sources.get(), "n_bytes", H5T_NATIVE_INT64, H5T_STD_I64LE, {sizes.size()},
                    sizes.data(), where);
  h5::write_attribute(sources.get(), "n_files", static_cast<int64_t>(sources_.size()), where);
  h5::write_attribute(sources.get(), "total_bytes", total, where);
  sources.reset();

  for (auto& stream : streams_) stream->tokens.reset(), stream->group.reset();
  h5::check(H5Fflush(root, H5F_SCOPE_GLOBAL), where, "cannot flush the file");
  TRIT_CHECK(file_.close() >= 0, where, ": cannot close the file");
  std::error_code ec;
  std::filesystem::rename(tmp_path_, path_, ec);
  TRIT_CHECK(!ec, "cannot rename ", where, " to ", path_.string(), ": ", ec.message());
  finished_ = true;
}

}  // namespace trit::data

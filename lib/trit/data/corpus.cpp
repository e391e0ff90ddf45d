#include "trit/data/corpus.h"

#include <algorithm>
#include <set>

#include "trit/core/error.h"

namespace trit::data {
namespace fs = std::filesystem;

namespace {

bool hidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

}  // namespace

std::vector<InputFile> list_input_files(const std::vector<std::string>& inputs) {
  TRIT_CHECK(!inputs.empty(), "no input files given");
  std::vector<InputFile> files;
  std::set<fs::path> seen;
  auto add = [&](const fs::path& p) {
    std::error_code ec;
    fs::path key = fs::weakly_canonical(p, ec);
    if (ec) key = p;
    if (!seen.insert(key).second) return;
    auto size = fs::file_size(p, ec);
    TRIT_CHECK(!ec, p.string(), ": cannot read its size: ", ec.message());
    files.push_back({p, static_cast<int64_t>(size)});
  };
  for (const auto& input : inputs) {
    fs::path p(input);
    std::error_code ec;
    auto status = fs::status(p, ec);
    TRIT_CHECK(fs::exists(status), input, ": no such file or folder");
    if (fs::is_regular_file(status)) {
      add(p);
      continue;
    }
    TRIT_CHECK(fs::is_directory(status), input, ": neither a file nor a folder");
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(p, fs::directory_options::follow_directory_symlink, ec);
    TRIT_CHECK(!ec, input, ": cannot list the folder: ", ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      TRIT_CHECK(!ec, input, ": cannot list the folder: ", ec.message());
      if (hidden(it->path())) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end(),
              [](const fs::path& a, const fs::path& b) { return a.generic_string() < b.generic_string(); });
    for (const auto& f : found) add(f);
  }
  TRIT_CHECK(!files.empty(), "no input files found in the given folders");
  return files;
}

BlockReader::BlockReader(const fs::path& path, size_t block_bytes)
    : path_(path), in_(path, std::ios::binary), buffer_(block_bytes, '\0') {
  TRIT_CHECK(in_.is_open(), path.string(), ": cannot open for reading");
}

std::string_view BlockReader::next() {
  in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  TRIT_CHECK(!in_.bad(), path_.string(), ": read error");
  return std::string_view(buffer_.data(), static_cast<size_t>(in_.gcount()));
}

}  // namespace trit::data

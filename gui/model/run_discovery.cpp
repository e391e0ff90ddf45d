#include "model/run_discovery.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

namespace trit::monitor {
namespace fs = std::filesystem;
namespace {

template <typename Visit>
void walk(const fs::path& dir, int depth, int max_depth, Visit&& visit) {
  visit(dir);
  if (depth >= max_depth) return;
  std::error_code ec;
  fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return;
  std::vector<fs::path> subdirs;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const auto& entry = *it;
    const std::string leaf = entry.path().filename().string();
    if (leaf.empty() || leaf[0] == '.') continue;
    std::error_code type_ec;
    // Symlinked folders are not followed: they could loop.
    if (entry.is_directory(type_ec) && !entry.is_symlink(type_ec)) subdirs.push_back(entry.path());
  }
  for (const auto& sub : subdirs) walk(sub, depth + 1, max_depth, visit);
}

fs::path normal_root(const std::string& root) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(root, ec), ec);
  if (ec) p = fs::path(root).lexically_normal();
  if (p.has_filename() == false && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  return p;
}

}  // namespace

std::vector<FoundRun> find_runs(const std::vector<std::string>& roots, int max_depth) {
  std::vector<FoundRun> out;
  std::set<std::string> seen;
  for (const auto& root_text : roots) {
    const fs::path root = normal_root(root_text);
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    const fs::path base = root.has_parent_path() ? root.parent_path() : root;
    walk(root, 0, max_depth, [&](const fs::path& dir) {
      std::error_code fec;
      if (!fs::is_regular_file(dir / "metrics.jsonl", fec)) return;
      const std::string key = dir.string();
      if (!seen.insert(key).second) return;
      std::string name = dir.lexically_relative(base).string();
      if (name.empty() || name == ".") name = dir.filename().string();
      out.push_back({key, name});
    });
  }
  std::sort(out.begin(), out.end(), [](const FoundRun& a, const FoundRun& b) { return a.name < b.name; });
  return out;
}

std::vector<std::string> folders_to_watch(const std::vector<std::string>& roots, int max_depth) {
  std::vector<std::string> out;
  for (const auto& root_text : roots) {
    const fs::path root = normal_root(root_text);
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    walk(root, 0, max_depth, [&](const fs::path& dir) { out.push_back(dir.string()); });
  }
  return out;
}

}  // namespace trit::monitor

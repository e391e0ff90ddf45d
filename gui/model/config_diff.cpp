#include "model/config_diff.h"

namespace trit::monitor {
namespace {

void flatten_into(const nlohmann::json& v, const std::string& prefix,
                  std::map<std::string, std::string>& out) {
  if (v.is_object() && !v.empty()) {
    for (const auto& [k, child] : v.items()) flatten_into(child, prefix.empty() ? k : prefix + "." + k, out);
    return;
  }
  if (v.is_array() && !v.empty() && (v.front().is_object() || v.front().is_array())) {
    for (size_t i = 0; i < v.size(); ++i) flatten_into(v[i], prefix + "." + std::to_string(i), out);
    return;
  }
  out[prefix.empty() ? "(value)" : prefix] = v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

std::map<std::string, std::string> flatten_config(const nlohmann::json& config) {
  std::map<std::string, std::string> out;
  flatten_into(config, "", out);
  return out;
}

ConfigTable compare_configs(const std::vector<const nlohmann::json*>& configs) {
  ConfigTable t;
  std::set<std::string> keys;
  for (const auto* c : configs) {
    t.values.push_back(flatten_config(*c));
    for (const auto& [k, _] : t.values.back()) keys.insert(k);
  }
  t.keys.assign(keys.begin(), keys.end());
  if (t.values.size() < 2) return t;
  for (const auto& k : t.keys) {
    const auto first = t.values.front().find(k);
    for (const auto& m : t.values) {
      const auto it = m.find(k);
      const bool both_missing = it == m.end() && first == t.values.front().end();
      if (both_missing) continue;
      if (it == m.end() || first == t.values.front().end() || it->second != first->second) {
        t.differing.insert(k);
        break;
      }
    }
  }
  return t;
}

}  // namespace trit::monitor

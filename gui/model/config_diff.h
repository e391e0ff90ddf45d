#pragma once
// Comparing run configurations: each config.json is flattened into dotted keys
// ("model.n_layers", "optim.lr", "schedule.0.steps"), and a key differs when it is missing
// in some of the runs or its values are not all equal.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace trit::monitor {

// Dotted key -> compact JSON text of the leaf value.
std::map<std::string, std::string> flatten_config(const nlohmann::json& config);

struct ConfigTable {
  std::vector<std::string> keys;                                // union, sorted
  std::vector<std::map<std::string, std::string>> values;       // one per config
  std::set<std::string> differing;                              // keys that differ
};

ConfigTable compare_configs(const std::vector<const nlohmann::json*>& configs);

}  // namespace trit::monitor

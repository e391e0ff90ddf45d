#include "trit/models/registry.h"

#include <functional>
#include <map>

#include "trit/models/byte_spectral.h"
#include "trit/models/decoder.h"
#include "trit/models/trix.h"

namespace trit::models {
namespace {

using Factory = std::function<std::shared_ptr<LanguageModel>(const ModelConfig&, Generator&)>;

// The list of families. Adding a family adds one line here.
const std::map<std::string, Factory>& factories() {
  static const std::map<std::string, Factory> table{
      {"bitnet", [](const ModelConfig& c, Generator& g) { return std::make_shared<Decoder>(c, true, g); }},
      {"byte_spectral", [](const ModelConfig& c, Generator& g) { return std::make_shared<ByteSpectral>(c, g); }},
      {"transformer", [](const ModelConfig& c, Generator& g) { return std::make_shared<Decoder>(c, false, g); }},
      {"trix", [](const ModelConfig& c, Generator& g) { return std::make_shared<Trix>(c, g); }},
  };
  return table;
}

}  // namespace

std::vector<std::string> model_families() {
  std::vector<std::string> names;
  for (const auto& [name, f] : factories()) names.push_back(name);
  return names;
}

std::shared_ptr<LanguageModel> create_model(const ModelConfig& config, Generator& gen) {
  const auto it = factories().find(config.family);
  if (it == factories().end()) {
    std::string valid;
    for (const auto& n : model_families()) valid += (valid.empty() ? "" : ", ") + n;
    fail("unknown model family '", config.family, "' (valid: ", valid, ")");
  }
  return it->second(config, gen);
}

}  // namespace trit::models

#pragma once
// Creates a model from its family name and config.
#include <memory>
#include <string>
#include <vector>

#include "trit/core/rng.h"
#include "trit/models/model.h"

namespace trit::models {

std::shared_ptr<LanguageModel> create_model(const ModelConfig& config, Generator& gen);
std::vector<std::string> model_families();

}  // namespace trit::models

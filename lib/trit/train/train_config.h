#pragma once
// The configuration of trit-train: one schema declares every key, its type, default and
// checks (docs/config.md). Sections: run, data, model, train, optim, eval, checkpoint.
#include "trit/config/config.h"
#include "trit/config/schema.h"
#include "trit/models/model.h"

namespace trit::train {

const config::Schema& train_schema();

// The model section as a ModelConfig; model.vocab_size 0 means "the dataset's vocabulary".
models::ModelConfig model_config_from(const config::Config& config, int64_t dataset_vocab);

}  // namespace trit::train

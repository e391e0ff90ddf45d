#pragma once
// Moving training state in and out of a checkpoint (formats/checkpoint.h gives the file).
// Beyond DESIGN.md's groups, a trit checkpoint carries what evaluation and export need
// without the dataset file:
//   data/tokenizer.kind        u8 [n]    "bytes" or "bpe", as bytes
//   data/tokenizer.token_bytes u8 [sum]  every token's bytes, concatenated by id
//   data/tokenizer.offsets     i64 [V+1] token i is token_bytes[offsets[i] : offsets[i+1]]
//   data/tokenizer.merges      i32 [M, 2]
//   data/tokenizer.n_special   i64 []
//   data/sampler.seed, data/sampler.next_step  u64 []   the batch sampler's state
//   rng/dropout.seed, rng/dropout.offset       u64 []   the dropout generator's state
//   optim/<name>               the optimizer's state dict (optim/optimizer.h)
// and its config JSON is {"config": <resolved trit-train config>, "model": <ModelConfig>,
// "trit_version": "..."}.
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "trit/core/rng.h"
#include "trit/data/sampler.h"
#include "trit/data/tokenizer.h"
#include "trit/formats/checkpoint.h"
#include "trit/models/model.h"
#include "trit/optim/optimizer.h"

namespace trit::train {

struct TrainProgress {
  int64_t step = 0;    // optimizer steps done
  int64_t tokens = 0;  // training tokens consumed
  Generator dropout_rng;
  data::SamplerState sampler;
  // The fp16 loss scaler's state_dict() ("loss_scale.*" keys, stored in the checkpoint's optim
  // group next to the optimizer's); empty without train.amp=fp16.
  std::map<std::string, Tensor> loss_scale;
};

formats::Checkpoint make_checkpoint(const nlohmann::json& run_config, const models::LanguageModel& model,
                                    const optim::Optimizer& optimizer, const TrainProgress& progress,
                                    const data::TokenizerSpec& tokenizer);

// Restores model parameters, optimizer state and progress; `where` names the file in errors.
void restore_checkpoint(const formats::Checkpoint& ckpt, models::LanguageModel& model, optim::Optimizer& optimizer,
                        TrainProgress& progress, const std::string& where);

// A model ready for evaluation, rebuilt from a checkpoint file alone.
struct LoadedModel {
  std::shared_ptr<models::LanguageModel> model;
  data::TokenizerSpec tokenizer;
  nlohmann::json run_config;  // the "config" object
  int64_t step = 0;
  int64_t tokens = 0;
};
LoadedModel load_model_checkpoint(const std::filesystem::path& path);

// Tokenizer to and from the data/ group.
void store_tokenizer(const data::TokenizerSpec& spec, formats::ArrayGroup& group);
data::TokenizerSpec load_tokenizer(const formats::ArrayGroup& group, const std::string& where);

}  // namespace trit::train

#pragma once
// Writing a planned conversion (plan.h) as GGUF or safetensors.
//
// GGUF: metadata first (gguf_metadata below), then the tensors in plan order. A BitLinear
// weight planned as ternary blocks is written as its codes (-1/0/+1) packed with block scale
// d = 1.0 (also in all-zero blocks), followed by `<name>.scale`, F32 [1] = 1/sw; any other
// type of a BitLinear weight stores the ternarized weights codes * (1/sw) (Q4_0: with the
// symmetric block scale d = (1/sw)/7, see ternary_q4_0 in export.cpp). Tensors kept in
// float and every other tensor store their values.
// safetensors: Hugging Face names, row-major shapes, __metadata__ {"format": "pt",
// "trit.hf_config": config.json text, "trit.tokenizer": tokenizer keys (tokenizer_json.h),
// "trit.version", "trit.training_step", "trit.source"}; BitLinear weights as their master values
// (Hugging Face's BitNet ternarizes them in its forward with the same absmean rule).
// run_convert (convert.h) also writes config.json beside a safetensors output when absent.
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "trit/convert/model.h"
#include "trit/convert/plan.h"
#include "trit/formats/gguf_value.h"

namespace trit::convert {

// Every metadata key the GGUF gets: general.*, the architecture's hyperparameters, the
// tokenizer, and trit.* (docs/formats.md lists them).
formats::GgufMetadata gguf_metadata(const ConvModel& model, const Plan& plan);

// config.json of the model in Hugging Face form.
nlohmann::json hf_config(const ConvModel& model);

struct TensorStats {
  std::string name;
  double rmse = 0;
  double max_abs = 0;
};

struct ExportOptions {
  int n_threads = 0;  // 0: OpenMP's default
  bool stats = false;  // compute TensorStats of each quantized tensor
  // Called after each tensor with (tensors done, total).
  std::function<void(int64_t, int64_t)> on_tensor;
};

// Writes the file atomically; returns the stats of quantized tensors when asked.
std::vector<TensorStats> export_model(const ConvModel& model, const Plan& plan, const std::filesystem::path& out,
                                      const ExportOptions& options);


}  // namespace trit::convert

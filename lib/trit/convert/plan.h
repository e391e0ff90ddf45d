#pragma once
// The conversion plan: which storage type every tensor gets, and its size. The type policy
// follows llama-quantize's (llama.cpp src/llama-quant.cpp) where trit has the types:
//   - 1-D tensors (norms) and .scale tensors stay F32;
//   - token_embd: --embedding-type if given; for tq1_0/tq2_0 Q4_K (as llama-quantize does);
//     otherwise the target type; the tied output head (bitnet, tied llama) is this tensor;
//   - output.weight (untied head): Q8_0 for q4_k_s/q4_k_m/tq* (llama-quantize uses Q6_K, which
//     trit does not write), else the target type;
//   - q4_k_m: attn_v and ffn_down of the layers llama-quantize's use_more_bits() picks
//     (first and last eighth, every third in between) get Q8_0 (llama.cpp: Q6_K); all else Q4_K;
//   - q4_k_s: every matrix Q4_K;
//   - tq1_0/tq2_0: the BitLinear weights as pure ternary blocks (d = 1) plus an F32
//     `<name>.scale` [1] tensor holding 1/sw (docs/formats.md, "trit BitNet in GGUF");
//   - --keep REGEX: matching tensors (GGUF names) stay F32.
// A matrix whose row length (the input dimension) is not a multiple of its type's block size:
// for tq types an error naming every such tensor unless --fallback-type is given; for other
// types the next type that fits, in the order Q4_K -> Q4_0 -> Q8_0 -> F16 (noted in the plan),
// unless --fallback-type names one.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "trit/convert/model.h"
#include "trit/formats/quant_type.h"

namespace trit::convert {

//        enum     name      llama_ftype  base storage type
#define TRIT_TARGET_TYPES(X)          \
  X(F32, "f32", 0, F32)                \
  X(F16, "f16", 1, F16)                \
  X(BF16, "bf16", 32, BF16)            \
  X(Q8_0, "q8_0", 7, Q8_0)             \
  X(Q4_0, "q4_0", 2, Q4_0)             \
  X(Q4_K_S, "q4_k_s", 14, Q4_K)        \
  X(Q4_K_M, "q4_k_m", 15, Q4_K)        \
  X(TQ1_0, "tq1_0", 36, TQ1_0)         \
  X(TQ2_0, "tq2_0", 37, TQ2_0)

enum class TargetType {
#define X(e, n, ft, base) e,
  TRIT_TARGET_TYPES(X)
#undef X
};

std::string_view target_name(TargetType t);
uint32_t llama_ftype(TargetType t);  // general.file_type
QuantType base_quant_type(TargetType t);
bool is_ternary_target(TargetType t);
// Case-insensitive; throws listing the valid names.
TargetType parse_target_type(std::string_view name);

enum class OutputFormat { gguf, safetensors };

struct PlanOptions {
  TargetType type = TargetType::F16;
  OutputFormat format = OutputFormat::gguf;
  std::optional<QuantType> embedding_type;
  std::optional<QuantType> fallback_type;  // for matrices whose rows do not fit the block size
  std::vector<std::string> keep;           // regexes (ECMAScript, whole name) of tensors kept F32
  bool allow_requantize = false;           // quantize tensors stored in a lossy type again
  bool force = false;                      // write models llama.cpp computes differently
};

struct PlannedTensor {
  std::string name;            // output name
  std::vector<int64_t> shape;  // row-major
  QuantType type = QuantType::F32;
  uint64_t bytes = 0;
  std::string note;            // why the type differs from the policy's first choice
  const ConvTensor* source = nullptr;  // null for a generated .scale tensor
  bool ternary_blocks = false;  // codes with d = 1, the scale in `<name>.scale`
  bool scale_of = false;        // this is the .scale [1] tensor of the previous entry
};

struct Plan {
  TargetType type = TargetType::F16;
  OutputFormat format = OutputFormat::gguf;
  std::vector<PlannedTensor> tensors;  // in output order
  std::vector<std::string> warnings;   // printed before converting
  uint64_t total_bytes() const;
};

// Decides every tensor's type; throws naming the problem (and what would work) when the model
// cannot be written as asked.
Plan make_plan(const ConvModel& model, const PlanOptions& options);

// "name  shape  type  bytes  note" table and the total.
void print_plan(const Plan& plan, std::ostream& out);

// The layers llama-quantize gives more bits in Q4_K_M (use_more_bits in llama-quant.cpp).
bool use_more_bits(int64_t layer, int64_t n_layers);

std::string human_bytes(uint64_t bytes);

}  // namespace trit::convert

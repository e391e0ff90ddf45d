#pragma once
// The converter's in-memory model: every tensor as float values under its GGUF name, in the
// canonical layout trit and Hugging Face use (row-major [out, in]; Q and K rows in the
// rotate-half RoPE order), plus the hyperparameters, the tokenizer and where it came from.
// Sources (source.h) fill it; exporters (gguf_export.h, safetensors_export.h) write it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trit/formats/gguf_value.h"

namespace trit::convert {

struct Hparams {
  std::string family = "bitnet";  // trit family: bitnet | transformer
  int64_t vocab_size = 0;
  int64_t d_model = 0;
  int64_t n_layers = 0;
  int64_t n_heads = 0;
  int64_t n_kv_heads = 0;
  int64_t d_ff = 0;
  int64_t context_length = 0;
  double rope_theta = 10000.0;
  double norm_eps = 1e-5;
  std::string ffn = "swiglu";  // swiglu | relu2_glu
  bool tie_embeddings = true;

  bool bitnet() const { return family == "bitnet"; }
  // llama.cpp architecture: "bitnet" or "llama".
  std::string gguf_arch() const { return bitnet() ? "bitnet" : "llama"; }
  int64_t head_dim() const { return n_heads > 0 ? d_model / n_heads : 0; }
  void validate(const std::string& where) const;  // throws naming the field
};

// A BitLinear weight's exact ternary form: values = codes * scale, scale = 1 / sw.
struct TernaryForm {
  std::vector<int8_t> codes;  // -1, 0, +1
  float scale = 1.0f;
};

struct ConvTensor {
  std::string name;            // GGUF name, e.g. "blk.0.attn_q.weight"
  std::vector<int64_t> shape;  // row-major, outermost first ([out, in] for a weight)
  std::vector<float> values;   // what the source holds (master weights for a checkpoint)
  bool ternary = false;        // a BitLinear weight of a bitnet model
  std::optional<TernaryForm> exact;  // the ternary form when the source stores it exactly
  std::string source_type = "f32";   // quant name of the source storage ("f32", "q4_0", ...)

  int64_t numel() const;
  int64_t n_cols() const { return shape.empty() ? 1 : shape.back(); }
  int64_t n_rows() const { return n_cols() > 0 ? numel() / n_cols() : 0; }
  bool lossy_source() const;  // stored in a block type (Q*, TQ*)
};

// The ternary form of a BitLinear weight: `exact` when present, else BitNet's absmean rule
// (sw = 1 / max(mean|W|, 1e-5), codes = clamp(round_half_even(W sw), -1, 1)), computed with
// the same arithmetic as training's forward (ops/quant.h). For values dequantized from a lossy
// type the scale is the least-squares fit of those codes instead.
TernaryForm ternary_form(const ConvTensor& t);

// The weights a forward pass uses: codes * scale for ternary tensors (= Wq / sw), the values
// otherwise (also for ternary tensors dequantized from a lossy type without an exact form).
std::vector<float> effective_values(const ConvTensor& t);

struct Provenance {
  std::string source;        // input path
  std::string trit_version;  // of the trit that trained the model ("" when unknown)
  int64_t step = -1;         // training step (-1 when unknown)
};

struct ConvModel {
  Hparams hp;
  // Tokenizer keys (tokenizer.ggml.*) as GGUF metadata; empty when the source has none.
  formats::GgufMetadata tokenizer;
  Provenance provenance;
  std::vector<ConvTensor> tensors;

  const ConvTensor* find(const std::string& name) const;
  ConvTensor& get(const std::string& name);
};

// The tensors a decoder of these hyperparameters has, in canonical order (token_embd, each
// block, output_norm, output when untied), with GGUF names and row-major shapes.
struct ExpectedTensor {
  std::string name;
  std::vector<int64_t> shape;
};
std::vector<ExpectedTensor> expected_tensors(const Hparams& hp);

// Checks that `tensors` are exactly the expected ones (names and shapes) and puts them in
// canonical order; throws naming the missing, unexpected or misshapen tensor and `where`.
void order_and_check(std::vector<ConvTensor>& tensors, const Hparams& hp, const std::string& where);

}  // namespace trit::convert

// The converter's model: hyperparameter checks and the ternary form of BitLinear weights.
#include "trit/convert/model.h"

#include <algorithm>
#include <cmath>

#include "trit/core/error.h"
#include "trit/core/tensor.h"
#include "trit/formats/quant_type.h"
#include "trit/ops/quant.h"

namespace trit::convert {

void Hparams::validate(const std::string& where) const {
  TRIT_CHECK(family == "bitnet" || family == "transformer", where, ": model family '", family,
             "' cannot be converted (expected bitnet or transformer)");
  TRIT_CHECK(vocab_size > 0 && d_model > 0 && n_layers > 0 && n_heads > 0 && n_kv_heads > 0 && d_ff > 0,
             where, ": model sizes must be positive (vocab ", vocab_size, ", d_model ", d_model, ", layers ",
             n_layers, ", heads ", n_heads, ", kv heads ", n_kv_heads, ", d_ff ", d_ff, ")");
  TRIT_CHECK(d_model % n_heads == 0, where, ": d_model ", d_model, " is not a multiple of n_heads ", n_heads);
  TRIT_CHECK(n_heads % n_kv_heads == 0, where, ": n_heads ", n_heads, " is not a multiple of n_kv_heads ",
             n_kv_heads);
  TRIT_CHECK(head_dim() % 2 == 0, where, ": head dimension ", head_dim(), " must be even for RoPE");
  TRIT_CHECK(ffn == "swiglu" || ffn == "relu2_glu", where, ": unknown ffn '", ffn, "'");
  TRIT_CHECK(context_length > 0, where, ": context length must be positive");
}

int64_t ConvTensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

bool ConvTensor::lossy_source() const {
  const QuantType t = parse_quant_type(source_type);
  return quant_block_size(t) > 1;
}

TernaryForm ternary_form(const ConvTensor& t) {
  if (t.exact) return *t.exact;
  TRIT_CHECK(!t.values.empty(), "tensor ", t.name, " is empty");
  // sw exactly as training computes it (float arithmetic of ops/quant.cpp).
  const Tensor w = Tensor::from_vector(std::span<const float>(t.values), Shape{t.numel()});
  const float sw = static_cast<float>(ternary_weight_scale(w));
  TernaryForm f;
  f.codes.resize(t.values.size());
  for (size_t i = 0; i < t.values.size(); ++i)
    f.codes[i] = static_cast<int8_t>(std::clamp(std::nearbyint(t.values[i] * sw), -1.0f, 1.0f));
  f.scale = 1.0f / sw;
  if (t.lossy_source()) {
    // Dequantized ternary weights carry block-wise rounding: the least-squares scale of the
    // codes recovers the per-tensor scale far better than 1/sw of the rounded values.
    double vc = 0, cc = 0;
    for (size_t i = 0; i < t.values.size(); ++i) {
      vc += double(t.values[i]) * f.codes[i];
      cc += double(f.codes[i]) * f.codes[i];
    }
    if (cc > 0) f.scale = float(vc / cc);
  }
  return f;
}

std::vector<float> effective_values(const ConvTensor& t) {
  // Values dequantized from a lossy type are used as they are (ternarizing them again would
  // change them more than the requantization itself).
  if (!t.ternary || (t.lossy_source() && !t.exact)) return t.values;
  const TernaryForm f = ternary_form(t);
  std::vector<float> out(f.codes.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = float(f.codes[i]) * f.scale;
  return out;
}

const ConvTensor* ConvModel::find(const std::string& name) const {
  for (const ConvTensor& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

ConvTensor& ConvModel::get(const std::string& name) {
  for (ConvTensor& t : tensors)
    if (t.name == name) return t;
  fail("model has no tensor '", name, "'");
}

std::vector<ExpectedTensor> expected_tensors(const Hparams& hp) {
  const int64_t d = hp.d_model, kv = hp.head_dim() * hp.n_kv_heads, f = hp.d_ff;
  std::vector<ExpectedTensor> out;
  out.push_back({"token_embd.weight", {hp.vocab_size, d}});
  for (int64_t i = 0; i < hp.n_layers; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    out.push_back({b + "attn_norm.weight", {d}});
    out.push_back({b + "attn_q.weight", {d, d}});
    out.push_back({b + "attn_k.weight", {kv, d}});
    out.push_back({b + "attn_v.weight", {kv, d}});
    if (hp.bitnet()) out.push_back({b + "attn_sub_norm.weight", {d}});
    out.push_back({b + "attn_output.weight", {d, d}});
    out.push_back({b + "ffn_norm.weight", {d}});
    out.push_back({b + "ffn_gate.weight", {f, d}});
    out.push_back({b + "ffn_up.weight", {f, d}});
    if (hp.bitnet()) out.push_back({b + "ffn_sub_norm.weight", {f}});
    out.push_back({b + "ffn_down.weight", {d, f}});
  }
  out.push_back({"output_norm.weight", {d}});
  if (!hp.tie_embeddings) out.push_back({"output.weight", {hp.vocab_size, d}});
  return out;
}

static std::string shape_text(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

void order_and_check(std::vector<ConvTensor>& tensors, const Hparams& hp, const std::string& where) {
  std::vector<ConvTensor> ordered;
  for (const ExpectedTensor& e : expected_tensors(hp)) {
    auto it = std::find_if(tensors.begin(), tensors.end(), [&](const ConvTensor& t) { return t.name == e.name; });
    TRIT_CHECK(it != tensors.end(), where, ": tensor ", e.name, " is missing (a ", hp.family, " model with ",
               hp.n_layers, " layers has it)");
    TRIT_CHECK(it->shape == e.shape, where, ": tensor ", e.name, " has shape ", shape_text(it->shape),
               ", expected ", shape_text(e.shape), " from the model config");
    TRIT_CHECK(int64_t(it->values.size()) == it->numel(), where, ": tensor ", e.name, " holds ",
               it->values.size(), " values for shape ", shape_text(it->shape));
    ordered.push_back(std::move(*it));
    tensors.erase(it);
  }
  TRIT_CHECK(tensors.empty(), where, ": unexpected tensor ", tensors.empty() ? "" : tensors.front().name,
             " for a ", hp.family, " model with ", hp.n_layers, " layers",
             hp.tie_embeddings ? " and a tied head" : "");
  tensors = std::move(ordered);
}

}  // namespace trit::convert

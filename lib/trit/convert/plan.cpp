// The type policy and the conversion plan (rules in plan.h).
#include "trit/convert/plan.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <regex>
#include <sstream>

#include "trit/convert/names.h"
#include "trit/core/error.h"

namespace trit::convert {
namespace {

bool fits(QuantType t, int64_t n_cols) { return n_cols % quant_block_size(t) == 0; }

// llama-quantize's idea of a fallback: the next smaller block that fits.
QuantType auto_fallback(QuantType t, int64_t n_cols) {
  for (QuantType c : {t, QuantType::Q4_0, QuantType::Q8_0, QuantType::F16})
    if (fits(c, n_cols)) return c;
  return QuantType::F16;
}

std::string shape_text(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

int64_t layer_of(const std::string& name) {
  if (name.rfind("blk.", 0) != 0) return -1;
  return std::stoll(name.substr(4, name.find('.', 4) - 4));
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The policy's first choice for a matrix (2-D tensor) under a GGUF target.
QuantType policy_type(const ConvTensor& t, const Hparams& hp, const PlanOptions& o) {
  const TargetType tt = o.type;
  if (t.name == "token_embd.weight") {
    if (o.embedding_type) return *o.embedding_type;
    return is_ternary_target(tt) ? QuantType::Q4_K : base_quant_type(tt);
  }
  if (t.name == "output.weight") {
    if (tt == TargetType::Q4_K_S || tt == TargetType::Q4_K_M || is_ternary_target(tt)) return QuantType::Q8_0;
    return base_quant_type(tt);
  }
  if (tt == TargetType::Q4_K_M && (ends_with(t.name, ".attn_v.weight") || ends_with(t.name, ".ffn_down.weight")) &&
      use_more_bits(layer_of(t.name), hp.n_layers))
    return QuantType::Q8_0;
  return base_quant_type(tt);
}

bool kept(const std::string& name, const std::vector<std::regex>& keep) {
  return std::any_of(keep.begin(), keep.end(), [&](const std::regex& r) { return std::regex_match(name, r); });
}

}  // namespace

std::string_view target_name(TargetType t) {
  switch (t) {
#define X(e, n, ft, base) case TargetType::e: return n;
    TRIT_TARGET_TYPES(X)
#undef X
  }
  return "?";
}

uint32_t llama_ftype(TargetType t) {
  switch (t) {
#define X(e, n, ft, base) case TargetType::e: return ft;
    TRIT_TARGET_TYPES(X)
#undef X
  }
  return 0;
}

QuantType base_quant_type(TargetType t) {
  switch (t) {
#define X(e, n, ft, base) case TargetType::e: return QuantType::base;
    TRIT_TARGET_TYPES(X)
#undef X
  }
  return QuantType::F32;
}

bool is_ternary_target(TargetType t) { return t == TargetType::TQ1_0 || t == TargetType::TQ2_0; }

TargetType parse_target_type(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  std::string valid;
#define X(e, n, ft, base)                        \
  if (lower == n) return TargetType::e;          \
  valid += valid.empty() ? n : std::string(", ") + n;
  TRIT_TARGET_TYPES(X)
#undef X
  fail("unknown output type '", name, "' (expected one of: ", valid, ")");
}

bool use_more_bits(int64_t layer, int64_t n_layers) {
  return layer < n_layers / 8 || layer >= 7 * n_layers / 8 || (layer - n_layers / 8) % 3 == 2;
}

uint64_t Plan::total_bytes() const {
  uint64_t n = 0;
  for (const PlannedTensor& t : tensors) n += t.bytes;
  return n;
}

std::string human_bytes(uint64_t bytes) {
  char buf[64];
  if (bytes >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.2f GiB", double(bytes) / double(1ull << 30));
  else if (bytes >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.2f MiB", double(bytes) / double(1ull << 20));
  else if (bytes >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", double(bytes) / 1024.0);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  return buf;
}

Plan make_plan(const ConvModel& model, const PlanOptions& o) {
  const Hparams& hp = model.hp;
  const bool gguf = o.format == OutputFormat::gguf;
  const bool ternary_target = is_ternary_target(o.type);
  Plan plan;
  plan.type = o.type;
  plan.format = o.format;

  if (!gguf) {
    TRIT_CHECK(o.type == TargetType::F32 || o.type == TargetType::F16 || o.type == TargetType::BF16,
               "safetensors output holds f32, f16 or bf16 tensors, not ", target_name(o.type),
               " (write GGUF for quantized types)");
  }
  if (gguf && hp.bitnet() && hp.ffn != "swiglu") {
    const std::string what = "the model's FFN is " + hp.ffn +
                             " (ReLU squared GLU), but llama.cpp's bitnet graph computes SwiGLU (silu); llama.cpp "
                             "would load the file and compute a different model";
    TRIT_CHECK(o.force, what, ". Train with --model.ffn=swiglu to export for llama.cpp, write safetensors, or give "
               "--force to write the GGUF anyway");
    plan.warnings.push_back("warning: " + what + " (written because of --force)");
  }
  if (gguf && hp.bitnet() && !hp.tie_embeddings)
    fail("the model has an untied output head, but llama.cpp's bitnet architecture always uses token_embd as the "
         "output head (it has no output.weight); train with --model.tie_embeddings=true, or write safetensors");
  TRIT_CHECK(!ternary_target || hp.bitnet(), "type ", target_name(o.type), " stores ternary weights, but this is a ",
             hp.family, " model whose weights are not ternary; choose q8_0, q4_0, q4_k_m, f16 ...");

  std::vector<std::regex> keep;
  for (const std::string& k : o.keep) {
    try {
      keep.emplace_back(k, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      fail("--keep '", k, "' is not a valid regular expression: ", e.what());
    }
  }
  if (o.fallback_type)
    TRIT_CHECK(!is_ternary_target(o.type) || quant_block_size(*o.fallback_type) < 256,
               "--fallback-type ", quant_name(*o.fallback_type), " has 256-element blocks too; choose q8_0, q4_0 or f16");

  std::vector<std::string> unfit;  // ternary tensors whose rows do not fit 256-blocks
  std::vector<std::string> requant;
  for (const ConvTensor& t : model.tensors) {
    PlannedTensor p;
    p.name = gguf ? t.name : gguf_to_hf_name(t.name);
    p.shape = t.shape;
    p.source = &t;
    const bool matrix = t.shape.size() == 2;
    if (!gguf) {
      p.type = matrix ? base_quant_type(o.type) : QuantType::F32;
      if (kept(t.name, keep)) p.type = QuantType::F32;
    } else if (!matrix) {
      p.type = QuantType::F32;
    } else if (kept(t.name, keep)) {
      p.type = QuantType::F32;
      p.note = "--keep";
    } else if (ternary_target && t.ternary) {
      p.type = base_quant_type(o.type);
      p.ternary_blocks = true;
      if (!fits(p.type, t.n_cols())) {
        if (o.fallback_type) {
          p.type = *o.fallback_type;
          p.ternary_blocks = false;
          p.note = "rows of " + std::to_string(t.n_cols()) + " do not fit 256-blocks: --fallback-type";
        } else {
          unfit.push_back(t.name + " (rows of " + std::to_string(t.n_cols()) + ")");
        }
      }
    } else {
      const QuantType want = policy_type(t, hp, o);
      p.type = want;
      if (!fits(want, t.n_cols())) {
        p.type = o.fallback_type && fits(*o.fallback_type, t.n_cols()) ? *o.fallback_type : auto_fallback(want, t.n_cols());
        p.note = "rows of " + std::to_string(t.n_cols()) + " do not fit " + std::string(quant_name(want)) + " blocks";
      } else if (want != base_quant_type(o.type)) {
        p.note = "policy";
      }
    }
    if (!unfit.empty() && unfit.back().rfind(t.name + " ", 0) == 0) continue;  // reported below, together
    TRIT_CHECK(fits(p.type, t.n_cols()), "tensor ", t.name, " ", shape_text(t.shape), ": rows of ", t.n_cols(),
               " do not fit ", quant_name(p.type), " blocks of ", quant_block_size(p.type));
    const bool exact_ternary = p.ternary_blocks && t.exact.has_value();
    if (t.lossy_source() && quant_block_size(p.type) > 1 && !exact_ternary) requant.push_back(t.name);
    p.bytes = uint64_t(t.n_rows()) * row_size(p.type, t.n_cols());
    plan.tensors.push_back(p);
    if (p.ternary_blocks) {
      PlannedTensor s;
      s.name = t.name.substr(0, t.name.size() - std::string(".weight").size()) + ".scale";
      s.shape = {1};
      s.type = QuantType::F32;
      s.bytes = 4;
      s.scale_of = true;
      s.note = "1/sw";
      plan.tensors.push_back(s);
    }
  }
  if (!unfit.empty()) {
    std::ostringstream msg;
    msg << "type " << target_name(o.type) << " packs rows in blocks of 256, but " << unfit.size()
        << " ternary tensor(s) have input dimensions that are not multiples of 256: ";
    for (size_t i = 0; i < unfit.size() && i < 8; ++i) msg << (i ? ", " : "") << unfit[i];
    if (unfit.size() > 8) msg << ", ... (" << unfit.size() - 8 << " more)";
    msg << ". Give --fallback-type q8_0 (or f16) to store those tensors in that type, or train with d_model and "
           "d_ff multiples of 256 (e.g. d_model "
        << ((hp.d_model + 255) / 256) * 256 << ", d_ff " << ((hp.d_ff + 255) / 256) * 256 << ")";
    fail(msg.str());
  }
  if (!requant.empty() && !o.allow_requantize) {
    std::ostringstream msg;
    msg << "the input stores " << requant.size() << " tensor(s) in a lossy quantized type (e.g. " << requant.front()
        << " as " << model.find(requant.front())->source_type
        << "); quantizing them again loses more accuracy. Give --allow-requantize to do it anyway, or convert from "
           "the original checkpoint";
    fail(msg.str());
  }
  return plan;
}

void print_plan(const Plan& plan, std::ostream& out) {
  size_t w_name = 4, w_shape = 5;
  for (const PlannedTensor& t : plan.tensors) {
    w_name = std::max(w_name, t.name.size());
    w_shape = std::max(w_shape, shape_text(t.shape).size());
  }
  auto pad = [](std::string s, size_t w) { return s.append(w > s.size() ? w - s.size() : 0, ' '); };
  out << pad("name", w_name) << "  " << pad("shape", w_shape) << "  " << pad("type", 6) << "  " << pad("bytes", 12)
      << "  note\n";
  for (const PlannedTensor& t : plan.tensors) {
    std::string type(quant_name(t.type));
    for (char& c : type) c = char(std::toupper(static_cast<unsigned char>(c)));
    out << pad(t.name, w_name) << "  " << pad(shape_text(t.shape), w_shape) << "  " << pad(type, 6) << "  "
        << pad(std::to_string(t.bytes), 12) << "  " << t.note << "\n";
  }
  out << plan.tensors.size() << " tensors, " << plan.total_bytes() << " bytes of tensor data ("
      << human_bytes(plan.total_bytes()) << ")\n";
}

}  // namespace trit::convert

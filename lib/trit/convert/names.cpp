// Name mapping between trit, GGUF and Hugging Face, and the llama Q/K row permutation.
#include "trit/convert/names.h"

#include <array>
#include <cstring>
#include <utility>

#include "trit/core/error.h"

namespace trit::convert {
namespace {

struct BlockName {
  const char* trit;
  const char* gguf;
  const char* hf;
};

// Per-block tensors (the part after "layers.N." / "blk.N." / "model.layers.N.").
constexpr std::array<BlockName, 13> kBlock = {{
    {"attn_norm.weight", "attn_norm.weight", "input_layernorm.weight"},
    {"attn.q.weight", "attn_q.weight", "self_attn.q_proj.weight"},
    {"attn.k.weight", "attn_k.weight", "self_attn.k_proj.weight"},
    {"attn.v.weight", "attn_v.weight", "self_attn.v_proj.weight"},
    {"attn.o.weight", "attn_output.weight", "self_attn.o_proj.weight"},
    {"attn.sub_norm.weight", "attn_sub_norm.weight", "self_attn.attn_sub_norm.weight"},
    {"ffn_norm.weight", "ffn_norm.weight", "post_attention_layernorm.weight"},
    {"ffn.gate.weight", "ffn_gate.weight", "mlp.gate_proj.weight"},
    {"ffn.up.weight", "ffn_up.weight", "mlp.up_proj.weight"},
    {"ffn.down.weight", "ffn_down.weight", "mlp.down_proj.weight"},
    {"ffn.sub_norm.weight", "ffn_sub_norm.weight", "mlp.ffn_sub_norm.weight"},
    // 1bitLLM's BitnetForCausalLM spellings of the sub-norms (read only).
    {nullptr, "attn_sub_norm.weight", "self_attn.inner_attn_ln.weight"},
    {nullptr, "ffn_sub_norm.weight", "mlp.ffn_layernorm.weight"},
}};

struct GlobalName {
  const char* trit;
  const char* gguf;
  const char* hf;
};
constexpr std::array<GlobalName, 3> kGlobal = {{
    {"tok_emb.weight", "token_embd.weight", "model.embed_tokens.weight"},
    {"norm.weight", "output_norm.weight", "model.norm.weight"},
    {"head.weight", "output.weight", "lm_head.weight"},
}};

const char* field(const BlockName& b, NameStyle s) {
  return s == NameStyle::trit ? b.trit : s == NameStyle::gguf ? b.gguf : b.hf;
}
const char* field(const GlobalName& g, NameStyle s) {
  return s == NameStyle::trit ? g.trit : s == NameStyle::gguf ? g.gguf : g.hf;
}
const char* block_prefix(NameStyle s) {
  return s == NameStyle::trit ? "layers." : s == NameStyle::gguf ? "blk." : "model.layers.";
}

// Splits "<prefix>N.<rest>" into (N, rest).
std::optional<std::pair<std::string, std::string>> split_block(const std::string& name, const char* prefix) {
  const size_t plen = std::strlen(prefix);
  if (name.compare(0, plen, prefix) != 0) return std::nullopt;
  size_t i = plen;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9') ++i;
  if (i == plen || i >= name.size() || name[i] != '.') return std::nullopt;
  return std::make_pair(name.substr(plen, i - plen), name.substr(i + 1));
}

bool block_suffix_is(const std::string& gguf_name, const char* suffix) {
  const auto parts = split_block(gguf_name, "blk.");
  return parts && parts->second == suffix;
}

void reorder_rows(std::vector<float>& w, int64_t n_head, int64_t head_dim, int64_t n_in, bool forward) {
  TRIT_CHECK(head_dim % 2 == 0 && int64_t(w.size()) == n_head * head_dim * n_in,
             "RoPE row permutation: weight of ", w.size(), " values does not match ", n_head, " heads x ",
             head_dim, " x ", n_in);
  const std::vector<float> src = w;
  const int64_t half = head_dim / 2;
  for (int64_t h = 0; h < n_head; ++h)
    for (int64_t i = 0; i < half; ++i)
      for (int64_t j = 0; j < 2; ++j) {
        const int64_t rotate_half_row = h * head_dim + j * half + i;
        const int64_t interleaved_row = h * head_dim + 2 * i + j;
        const int64_t to = forward ? interleaved_row : rotate_half_row;
        const int64_t from = forward ? rotate_half_row : interleaved_row;
        std::copy(src.begin() + from * n_in, src.begin() + (from + 1) * n_in, w.begin() + to * n_in);
      }
}

}  // namespace

std::optional<std::string> to_gguf_name(const std::string& name, NameStyle style) {
  for (const GlobalName& g : kGlobal)
    if (name == field(g, style)) return std::string(g.gguf);
  const auto parts = split_block(name, block_prefix(style));
  if (!parts) return std::nullopt;
  for (const BlockName& b : kBlock) {
    const char* f = field(b, style);
    if (f != nullptr && parts->second == f) return "blk." + parts->first + "." + b.gguf;
  }
  return std::nullopt;
}

std::string gguf_to_hf_name(const std::string& gguf_name) {
  for (const GlobalName& g : kGlobal)
    if (gguf_name == g.gguf) return g.hf;
  const auto parts = split_block(gguf_name, "blk.");
  if (parts)
    for (const BlockName& b : kBlock)
      if (parts->second == b.gguf) return "model.layers." + parts->first + "." + b.hf;
  fail("tensor '", gguf_name, "' has no Hugging Face name");
}

bool is_projection(const std::string& gguf_name) {
  const auto parts = split_block(gguf_name, "blk.");
  if (!parts) return false;
  for (const char* s : {"attn_q.weight", "attn_k.weight", "attn_v.weight", "attn_output.weight", "ffn_gate.weight",
                        "ffn_up.weight", "ffn_down.weight"})
    if (parts->second == s) return true;
  return false;
}

bool is_rope_query(const std::string& gguf_name) { return block_suffix_is(gguf_name, "attn_q.weight"); }
bool is_rope_key(const std::string& gguf_name) { return block_suffix_is(gguf_name, "attn_k.weight"); }

void permute_rope_rows(std::vector<float>& w, int64_t n_head, int64_t head_dim, int64_t n_in) {
  reorder_rows(w, n_head, head_dim, n_in, true);
}
void unpermute_rope_rows(std::vector<float>& w, int64_t n_head, int64_t head_dim, int64_t n_in) {
  reorder_rows(w, n_head, head_dim, n_in, false);
}

}  // namespace trit::convert

#pragma once
// Tensor names across the three conventions the converter speaks, and the Q/K row order
// llama.cpp's `llama` architecture needs.
//
//   trit checkpoint                 GGUF (llama.cpp)            Hugging Face (llama / bitnet)
//   tok_emb.weight                  token_embd.weight           model.embed_tokens.weight
//   norm.weight                     output_norm.weight          model.norm.weight
//   head.weight                     output.weight               lm_head.weight
//   layers.N.attn_norm.weight       blk.N.attn_norm.weight      model.layers.N.input_layernorm.weight
//   layers.N.attn.{q,k,v,o}.weight  blk.N.attn_{q,k,v,output}   model.layers.N.self_attn.{q,k,v,o}_proj.weight
//   layers.N.attn.sub_norm.weight   blk.N.attn_sub_norm.weight  model.layers.N.self_attn.attn_sub_norm.weight
//   layers.N.ffn_norm.weight        blk.N.ffn_norm.weight       model.layers.N.post_attention_layernorm.weight
//   layers.N.ffn.{gate,up,down}     blk.N.ffn_{gate,up,down}    model.layers.N.mlp.{gate,up,down}_proj.weight
//   layers.N.ffn.sub_norm.weight    blk.N.ffn_sub_norm.weight   model.layers.N.mlp.ffn_sub_norm.weight
// Hugging Face's BitNet (transformers' BitNetForCausalLM) names the sub-norms attn_sub_norm /
// ffn_sub_norm; the older BitnetForCausalLM (1bitLLM) names them self_attn.inner_attn_ln and
// mlp.ffn_layernorm. Both are read; the first is written.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trit::convert {

enum class NameStyle { trit, gguf, hf };

// The GGUF name of a tensor named in `style`, or nullopt when the name is not part of a
// llama/bitnet decoder.
std::optional<std::string> to_gguf_name(const std::string& name, NameStyle style);
// The Hugging Face name of a GGUF name (throws for names outside the mapping).
std::string gguf_to_hf_name(const std::string& gguf_name);

// True for the seven projection weights of a block (attn_q ... ffn_down): the BitLinear
// weights of a bitnet model.
bool is_projection(const std::string& gguf_name);
// True for blk.N.attn_q / attn_k weights (the ones RoPE touches).
bool is_rope_query(const std::string& gguf_name);
bool is_rope_key(const std::string& gguf_name);

// Reorders the rows of a Q or K weight [n_head * head_dim, n_in] from rotate-half RoPE order
// (trit, Hugging Face: pairs (i, i + head_dim/2)) to interleaved order (llama.cpp's NORM RoPE:
// pairs (2i, 2i + 1)), as Hugging Face's convert script's LlamaModel.permute does; unpermute
// is its inverse.
void permute_rope_rows(std::vector<float>& w, int64_t n_head, int64_t head_dim, int64_t n_in);
void unpermute_rope_rows(std::vector<float>& w, int64_t n_head, int64_t head_dim, int64_t n_in);

}  // namespace trit::convert

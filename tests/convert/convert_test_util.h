#pragma once
// Helpers for the converter's tests: a small random model in the converter's form, and the
// same model as a trit checkpoint file (with a bytes tokenizer), written with the real writer.
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "trit/convert/model.h"
#include "trit/convert/names.h"
#include "trit/convert/source.h"
#include "trit/data/byte_tokenizer.h"
#include "trit/formats/checkpoint.h"
#include "trit/models/model.h"
#include "trit/train/checkpoint_io.h"

namespace trit::test {

inline models::ModelConfig small_config(const std::string& family, int64_t d = 256, int64_t ff = 512) {
  models::ModelConfig c;
  c.family = family;
  c.vocab_size = 256;
  c.d_model = d;
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.d_ff = ff;
  c.max_seq_len = 64;
  return c;
}

inline convert::Hparams hparams_of(const models::ModelConfig& c) {
  convert::Hparams hp;
  hp.family = c.family;
  hp.vocab_size = c.vocab_size;
  hp.d_model = c.d_model;
  hp.n_layers = c.n_layers;
  hp.n_heads = c.n_heads;
  hp.n_kv_heads = c.n_kv_heads;
  hp.d_ff = c.d_ff;
  hp.context_length = c.max_seq_len;
  hp.ffn = c.ffn;
  hp.tie_embeddings = c.tie_embeddings;
  return hp;
}

// Random master weights (norms around 1) under GGUF names, row-major.
inline formats::ArrayGroup random_params(const models::ModelConfig& c, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  formats::ArrayGroup params;
  for (const convert::ExpectedTensor& e : convert::expected_tensors(hparams_of(c))) {
    int64_t n = 1;
    for (int64_t s : e.shape) n *= s;
    std::vector<float> v(static_cast<size_t>(n));
    const bool norm = e.shape.size() == 1;
    for (float& x : v) x = norm ? 1.0f + normal(rng) : normal(rng);
    std::vector<uint64_t> shape(e.shape.begin(), e.shape.end());
    params[e.name] = formats::NamedArray::from<float>(v, shape);
  }
  return params;
}

// GGUF name -> trit name (inverse of the mapping, for building checkpoints in tests).
inline std::string trit_name(const std::string& gguf) {
  if (gguf == "token_embd.weight") return "tok_emb.weight";
  if (gguf == "output_norm.weight") return "norm.weight";
  if (gguf == "output.weight") return "head.weight";
  const size_t dot = gguf.find('.', 4);
  const std::string layer = gguf.substr(4, dot - 4), rest = gguf.substr(dot + 1);
  static const std::pair<const char*, const char*> map[] = {
      {"attn_norm.weight", "attn_norm.weight"}, {"attn_q.weight", "attn.q.weight"},
      {"attn_k.weight", "attn.k.weight"},       {"attn_v.weight", "attn.v.weight"},
      {"attn_output.weight", "attn.o.weight"},  {"attn_sub_norm.weight", "attn.sub_norm.weight"},
      {"ffn_norm.weight", "ffn_norm.weight"},   {"ffn_gate.weight", "ffn.gate.weight"},
      {"ffn_up.weight", "ffn.up.weight"},       {"ffn_down.weight", "ffn.down.weight"},
      {"ffn_sub_norm.weight", "ffn.sub_norm.weight"}};
  for (const auto& [g, t] : map)
    if (rest == g) return "layers." + layer + "." + t;
  return "?";
}

// Writes a checkpoint of config `c` with random weights; returns its trit-named params.
inline formats::ArrayGroup write_test_checkpoint(const std::filesystem::path& path, const models::ModelConfig& c,
                                                 int64_t step = 7) {
  formats::Checkpoint ckpt;
  ckpt.model = c.family;
  nlohmann::json meta = {{"config", nlohmann::json::object()}, {"model", c.to_json()}, {"trit_version", "9.9.9"}};
  ckpt.config_json = meta.dump();
  ckpt.step = step;
  for (auto& [gname, array] : random_params(c)) ckpt.params[trit_name(gname)] = array;
  data::TokenizerSpec spec;
  spec.kind = "bytes";
  for (int b = 0; b < 256; ++b) spec.tokens.push_back(std::string(1, char(b)));
  train::store_tokenizer(spec, ckpt.data);
  formats::write_checkpoint(path, ckpt);
  return ckpt.params;
}

}  // namespace trit::test

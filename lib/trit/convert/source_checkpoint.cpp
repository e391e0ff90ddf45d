// A trit checkpoint (or a run folder's latest one) as the converter's model.
#include <nlohmann/json.hpp>

#include "trit/convert/names.h"
#include "trit/convert/source.h"
#include "trit/core/error.h"
#include "trit/formats/checkpoint.h"
#include "trit/models/model.h"
#include "trit/train/checkpoint_io.h"

namespace trit::convert {

std::filesystem::path resolve_checkpoint(const std::filesystem::path& path) {
  if (!std::filesystem::is_directory(path)) return path;
  const auto latest = formats::latest_checkpoint(path);
  TRIT_CHECK(latest.has_value(), path.string(), ": run folder has no checkpoint yet (checkpoints/latest is missing)");
  return *latest;
}

ConvModel load_checkpoint_source(const std::filesystem::path& input) {
  const std::filesystem::path path = resolve_checkpoint(input);
  const std::string where = path.string();
  formats::Checkpoint ckpt = formats::read_checkpoint(path);
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(ckpt.config_json);
  } catch (const nlohmann::json::exception& e) {
    fail(where, ": config attribute is not JSON: ", e.what());
  }
  TRIT_CHECK(meta.is_object() && meta.contains("model"), where, ": config attribute lacks the model config");
  models::ModelConfig mc;
  try {
    mc = models::ModelConfig::from_json(meta["model"]);
  } catch (const Error& e) {
    fail(where, ": ", e.what());
  }

  ConvModel m;
  m.hp.family = mc.family;
  m.hp.vocab_size = mc.vocab_size;
  m.hp.d_model = mc.d_model;
  m.hp.n_layers = mc.n_layers;
  m.hp.n_heads = mc.n_heads;
  m.hp.n_kv_heads = mc.n_kv_heads;
  m.hp.d_ff = mc.d_ff;
  m.hp.context_length = mc.max_seq_len;
  m.hp.rope_theta = mc.rope_theta;
  m.hp.norm_eps = mc.norm_eps;
  m.hp.ffn = mc.ffn;
  m.hp.tie_embeddings = mc.tie_embeddings;
  m.hp.validate(where);
  m.provenance.source = input.string();
  m.provenance.step = ckpt.step;
  if (meta.contains("trit_version") && meta["trit_version"].is_string())
    m.provenance.trit_version = meta["trit_version"].get<std::string>();

  const data::TokenizerSpec spec = train::load_tokenizer(ckpt.data, where);
  TRIT_CHECK(int64_t(spec.tokens.size()) == mc.vocab_size, where, ": tokenizer has ", spec.tokens.size(),
             " tokens but the model's vocab_size is ", mc.vocab_size);
  m.tokenizer = tokenizer_metadata(spec, where);

  for (auto& [name, array] : ckpt.params) {
    const auto gguf_name = to_gguf_name(name, NameStyle::trit);
    TRIT_CHECK(gguf_name.has_value(), where, ": parameter '", name, "' is not part of a decoder the converter knows");
    TRIT_CHECK(array.dtype == formats::ArrayType::f32, where, ": parameter ", name, " is not float32");
    ConvTensor t;
    t.name = *gguf_name;
    for (uint64_t d : array.shape) t.shape.push_back(int64_t(d));
    t.values = array.values<float>();
    array.bytes.clear();
    array.bytes.shrink_to_fit();
    t.ternary = m.hp.bitnet() && is_projection(t.name);
    m.tensors.push_back(std::move(t));
  }
  order_and_check(m.tensors, m.hp, where);
  return m;
}

}  // namespace trit::convert

// A Hugging Face-named safetensors model (one file, or a folder of shards) as the
// converter's model. The config comes from config.json beside the file(s) or, for files trit
// wrote, from the "trit.hf_config" metadata; the tokenizer from trit's "trit.tokenizer"
// metadata or a byte-level BPE tokenizer.json beside the file(s).
#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "trit/convert/names.h"
#include "trit/convert/source.h"
#include "trit/convert/tokenizer_json.h"
#include "trit/core/error.h"
#include "trit/core/half.h"
#include "trit/formats/safetensors.h"

namespace trit::convert {
namespace {

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  TRIT_CHECK(in.good(), path.string(), ": cannot open");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    fail(path.string(), ": not valid JSON: ", e.what());
  }
}

template <typename T>
T json_get(const nlohmann::json& j, const char* key, const std::string& where, std::optional<T> fallback = std::nullopt) {
  if (!j.contains(key) || j[key].is_null()) {
    TRIT_CHECK(fallback.has_value(), where, ": config lacks \"", key, "\"");
    return *fallback;
  }
  try {
    return j[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    fail(where, ": config field \"", key, "\" has the wrong type");
  }
}

Hparams hparams_from_hf(const nlohmann::json& c, const std::string& where) {
  TRIT_CHECK(c.is_object(), where, ": config is not a JSON object");
  std::string arch;
  if (c.contains("architectures") && c["architectures"].is_array() && !c["architectures"].empty() &&
      c["architectures"][0].is_string())
    arch = c["architectures"][0].get<std::string>();
  Hparams hp;
  if (arch == "LlamaForCausalLM") hp.family = "transformer";
  else if (arch == "BitNetForCausalLM" || arch == "BitnetForCausalLM") hp.family = "bitnet";
  else fail(where, ": architecture '", arch, "' is not supported (LlamaForCausalLM, BitNetForCausalLM, BitnetForCausalLM)");
  hp.d_model = json_get<int64_t>(c, "hidden_size", where);
  hp.n_layers = json_get<int64_t>(c, "num_hidden_layers", where);
  hp.n_heads = json_get<int64_t>(c, "num_attention_heads", where);
  hp.n_kv_heads = json_get<int64_t>(c, "num_key_value_heads", where, hp.n_heads);
  hp.d_ff = json_get<int64_t>(c, "intermediate_size", where);
  hp.vocab_size = json_get<int64_t>(c, "vocab_size", where);
  hp.context_length = json_get<int64_t>(c, "max_position_embeddings", where, 2048);
  hp.rope_theta = json_get<double>(c, "rope_theta", where, 10000.0);
  hp.norm_eps = json_get<double>(c, "rms_norm_eps", where, 1e-5);
  hp.tie_embeddings = json_get<bool>(c, "tie_word_embeddings", where, hp.bitnet());
  const std::string act = json_get<std::string>(c, "hidden_act", where, std::string("silu"));
  TRIT_CHECK(act == "silu" || act == "relu2", where, ": hidden_act '", act, "' is not supported (silu or relu2)");
  hp.ffn = act == "silu" ? "swiglu" : "relu2_glu";
  TRIT_CHECK(json_get<int64_t>(c, "head_dim", where, hp.d_model / std::max<int64_t>(hp.n_heads, 1)) ==
                 hp.d_model / std::max<int64_t>(hp.n_heads, 1),
             where, ": head_dim differs from hidden_size / num_attention_heads");
  hp.validate(where);
  return hp;
}

std::vector<float> to_floats(const formats::SafetensorsTensor& t, std::span<const std::byte> bytes,
                             const std::string& where) {
  const size_t n = bytes.size() / dtype_size(t.dtype);
  std::vector<float> out(n);
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  switch (t.dtype) {
    case DType::f32: std::memcpy(out.data(), p, n * 4); break;
    case DType::f16:
      for (size_t i = 0; i < n; ++i) out[i] = f16_to_float(uint16_t(p[2 * i] | (p[2 * i + 1] << 8)));
      break;
    case DType::bf16:
      for (size_t i = 0; i < n; ++i) out[i] = bf16_to_float(uint16_t(p[2 * i] | (p[2 * i + 1] << 8)));
      break;
    default: fail(where, ": tensor ", t.name, " has dtype ", formats::safetensors_dtype_name(t.dtype), ", expected F32, F16 or BF16");
  }
  return out;
}

}  // namespace

ConvModel load_safetensors_source(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::vector<std::filesystem::path> files;
  std::filesystem::path folder;
  if (std::filesystem::is_directory(path)) {
    folder = path;
    for (const auto& e : std::filesystem::directory_iterator(path))
      if (e.path().extension() == ".safetensors") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    TRIT_CHECK(!files.empty(), where, ": folder holds no .safetensors file");
  } else {
    folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    files.push_back(path);
  }
  std::vector<std::unique_ptr<formats::SafetensorsReader>> readers;
  for (const auto& f : files) readers.push_back(std::make_unique<formats::SafetensorsReader>(f));
  const auto& meta0 = readers.front()->metadata();

  // A file trit wrote carries its own config (authoritative: a config.json beside it may
  // belong to another model in the same folder).
  nlohmann::json config;
  if (meta0.count("trit.hf_config")) {
    try {
      config = nlohmann::json::parse(meta0.at("trit.hf_config"));
    } catch (const nlohmann::json::exception& e) {
      fail(files.front().string(), ": metadata trit.hf_config is not JSON: ", e.what());
    }
  } else if (std::filesystem::exists(folder / "config.json")) {
    config = read_json_file(folder / "config.json");
  } else {
    fail(where, ": no config.json beside the safetensors file(s) (Hugging Face models ship one)");
  }
  ConvModel m;
  m.hp = hparams_from_hf(config, (folder / "config.json").string());
  m.provenance.source = where;
  if (meta0.count("trit.version")) m.provenance.trit_version = meta0.at("trit.version");
  if (meta0.count("trit.training_step")) m.provenance.step = std::stoll(meta0.at("trit.training_step"));
  if (meta0.count("trit.tokenizer")) m.tokenizer = tokenizer_from_json_text(meta0.at("trit.tokenizer"), where);
  else if (std::filesystem::exists(folder / "tokenizer.json"))
    m.tokenizer = tokenizer_from_hf_json(read_json_file(folder / "tokenizer.json"), (folder / "tokenizer.json").string());

  for (const auto& reader : readers) {
    const std::string fwhere = reader->path().string();
    for (const formats::SafetensorsTensor& st : reader->tensors()) {
      if (st.name.find("rotary_emb.inv_freq") != std::string::npos) continue;  // derived, not a weight
      const auto gguf_name = to_gguf_name(st.name, NameStyle::hf);
      TRIT_CHECK(gguf_name.has_value(), fwhere, ": tensor ", st.name, " is not part of a llama/bitnet model");
      TRIT_CHECK(m.find(*gguf_name) == nullptr, where, ": tensor ", st.name, " appears twice");
      ConvTensor t;
      t.name = *gguf_name;
      t.shape = st.shape;
      t.values = to_floats(st, reader->tensor_data(st), fwhere);
      t.ternary = m.hp.bitnet() && is_projection(t.name);
      m.tensors.push_back(std::move(t));
    }
  }
  // A tied model may still carry lm_head.weight (a copy of the embedding): drop it.
  if (m.hp.tie_embeddings)
    std::erase_if(m.tensors, [](const ConvTensor& t) { return t.name == "output.weight"; });
  order_and_check(m.tensors, m.hp, where);
  return m;
}

}  // namespace trit::convert

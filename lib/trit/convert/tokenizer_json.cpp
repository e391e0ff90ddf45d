// Tokenizer keys as JSON (format in tokenizer_json.h).
#include "trit/convert/tokenizer_json.h"

#include <map>

#include "trit/core/error.h"

namespace trit::convert {
namespace {

// Keys whose integers are u32 in GGUF; every other integer array is i32 (token_type).
bool is_u32_key(const std::string& key) { return key.size() > 9 && key.compare(key.size() - 9, 9, "_token_id") == 0; }

}  // namespace

std::string tokenizer_to_json_text(const formats::GgufMetadata& tokenizer) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, value] : tokenizer.entries()) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, formats::GgufArray>) {
            std::visit(
                [&](const auto& items) {
                  using V = std::decay_t<decltype(items)>;
                  if constexpr (!std::is_same_v<V, std::monostate>) j[key] = items;
                },
                x.data);
          } else {
            j[key] = x;
          }
        },
        value.data());
  }
  return j.dump();
}

formats::GgufMetadata tokenizer_from_json_text(const std::string& text, const std::string& where) {
  formats::GgufMetadata m;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    TRIT_CHECK(j.is_object(), where, ": trit.tokenizer metadata is not a JSON object");
    for (const auto& [key, v] : j.items()) {
      TRIT_CHECK(key.rfind("tokenizer.", 0) == 0, where, ": trit.tokenizer holds key '", key, "'");
      if (v.is_string()) m.set(key, v.get<std::string>());
      else if (v.is_boolean()) m.set(key, v.get<bool>());
      else if (v.is_number_integer()) m.set(key, is_u32_key(key) ? formats::GgufValue(v.get<uint32_t>()) : formats::GgufValue(v.get<int32_t>()));
      else if (v.is_number()) m.set(key, v.get<float>());
      else if (v.is_array() && (v.empty() || v[0].is_string())) m.set(key, v.get<std::vector<std::string>>());
      else if (v.is_array() && v[0].is_number_integer()) m.set(key, v.get<std::vector<int32_t>>());
      else if (v.is_array() && v[0].is_number()) m.set(key, v.get<std::vector<float>>());
      else fail(where, ": trit.tokenizer key '", key, "' has an unsupported value");
    }
  } catch (const nlohmann::json::exception& e) {
    fail(where, ": trit.tokenizer metadata is not valid: ", e.what());
  }
  return m;
}

formats::GgufMetadata tokenizer_from_hf_json(const nlohmann::json& j, const std::string& where) {
  try {
    const nlohmann::json& model = j.at("model");
    TRIT_CHECK(model.value("type", std::string()) == "BPE", where, ": only BPE tokenizers are converted");
    std::map<int64_t, std::string> by_id;
    std::map<int64_t, int32_t> types;
    for (const auto& [text, id] : model.at("vocab").items()) {
      by_id[id.get<int64_t>()] = text;
      types[id.get<int64_t>()] = 1;
    }
    int64_t bos = -1, eos = -1;
    if (j.contains("added_tokens"))
      for (const auto& t : j["added_tokens"]) {
        const int64_t id = t.at("id").get<int64_t>();
        const std::string text = t.at("content").get<std::string>();
        by_id[id] = text;
        types[id] = t.value("special", false) ? 3 : 4;
        if (text == "<|endoftext|>" || text == "</s>" || text == "<|end_of_text|>") eos = id;
        if (text == "<s>" || text == "<|begin_of_text|>" || (text == "<|endoftext|>" && bos < 0)) bos = id;
      }
    TRIT_CHECK(!by_id.empty() && by_id.begin()->first >= 0, where, ": empty or negative vocabulary ids");
    const int64_t n = by_id.rbegin()->first + 1;
    std::vector<std::string> tokens(static_cast<size_t>(n));
    std::vector<int32_t> token_type(size_t(n), 5);  // ids without a token: unused
    for (int64_t i = 0; i < n; ++i) {
      auto it = by_id.find(i);
      tokens[size_t(i)] = it != by_id.end() ? it->second : "[UNUSED_" + std::to_string(i) + "]";
      if (it != by_id.end()) token_type[size_t(i)] = types[i];
    }
    std::vector<std::string> merges;
    for (const auto& mg : model.at("merges"))
      merges.push_back(mg.is_string() ? mg.get<std::string>() : mg.at(0).get<std::string>() + " " + mg.at(1).get<std::string>());
    formats::GgufMetadata m;
    m.set("tokenizer.ggml.model", "gpt2");
    m.set("tokenizer.ggml.pre", "gpt-2");
    m.set("tokenizer.ggml.tokens", std::move(tokens));
    m.set("tokenizer.ggml.token_type", std::move(token_type));
    m.set("tokenizer.ggml.merges", std::move(merges));
    if (bos >= 0) m.set("tokenizer.ggml.bos_token_id", uint32_t(bos));
    if (eos >= 0) m.set("tokenizer.ggml.eos_token_id", uint32_t(eos));
    return m;
  } catch (const nlohmann::json::exception& e) {
    fail(where, ": not a tokenizer.json trit-convert understands: ", e.what());
  }
}

}  // namespace trit::convert

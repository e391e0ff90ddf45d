#include "trit/runtime/gguf_tokenizer.h"

#include <unordered_map>

#include "trit/core/error.h"
#include "trit/data/gpt2_unicode.h"

namespace trit::runtime {

std::optional<data::TokenizerSpec> tokenizer_from_gguf(const formats::GgufReader& reader) {
  const std::string file = reader.path().string();
  const auto& md = reader.metadata();
  const formats::GgufValue* model = md.find("tokenizer.ggml.model");
  if (model == nullptr || model->get_if<std::string>() == nullptr || *model->get_if<std::string>() != "gpt2") {
    return std::nullopt;
  }
  auto strings = [&](const char* key) -> const std::vector<std::string>* {
    const formats::GgufValue* v = md.find(key);
    if (v == nullptr) return nullptr;
    const formats::GgufArray* a = v->get_if<formats::GgufArray>();
    TRIT_CHECK(a && std::holds_alternative<std::vector<std::string>>(a->data), file, ": metadata key '", key,
               "' must be an array of strings");
    return &std::get<std::vector<std::string>>(a->data);
  };
  const auto* texts = strings("tokenizer.ggml.tokens");
  TRIT_CHECK(texts != nullptr, file, ": metadata key 'tokenizer.ggml.tokens' is missing");
  std::vector<int32_t> types(texts->size(), 1);
  if (const formats::GgufValue* v = md.find("tokenizer.ggml.token_type")) {
    const formats::GgufArray* a = v->get_if<formats::GgufArray>();
    TRIT_CHECK(a && std::holds_alternative<std::vector<int32_t>>(a->data) && a->size() == texts->size(), file,
               ": tokenizer.ggml.token_type must be an i32 array with one entry per token");
    types = std::get<std::vector<int32_t>>(a->data);
  }
  data::TokenizerSpec spec;
  spec.tokens.reserve(texts->size());
  for (size_t id = 0; id < texts->size(); ++id) {
    const bool special = types[id] == 3 || types[id] == 4;
    if (special) {
      spec.tokens.push_back((*texts)[id]);
      ++spec.n_special;
      continue;
    }
    TRIT_CHECK(spec.n_special == 0, file, ": token ", id, " is a normal token after special tokens (trit keeps "
               "special tokens last)");
    try {
      spec.tokens.push_back(data::gpt2_parse_text((*texts)[id]));
    } catch (const Error& e) {
      fail(file, ": token ", id, ": ", e.what());
    }
  }
  std::unordered_map<std::string, int32_t> by_text;
  for (size_t id = 0; id < texts->size(); ++id) by_text.emplace((*texts)[id], int32_t(id));
  std::unordered_map<std::string, int32_t> by_bytes;
  for (size_t id = 0; id + size_t(spec.n_special) < spec.tokens.size(); ++id) by_bytes.emplace(spec.tokens[id], int32_t(id));
  if (const auto* merges = strings("tokenizer.ggml.merges")) {
    for (size_t i = 0; i < merges->size(); ++i) {
      const std::string& m = (*merges)[i];
      const size_t space = m.find(' ');
      TRIT_CHECK(space != std::string::npos, file, ": merge ", i, " \"", m, "\" is not \"LEFT RIGHT\"");
      const auto l = by_text.find(m.substr(0, space)), r = by_text.find(m.substr(space + 1));
      if (l == by_text.end() || r == by_text.end()) continue;
      if (!by_bytes.contains(spec.tokens[size_t(l->second)] + spec.tokens[size_t(r->second)])) continue;
      spec.merges.emplace_back(l->second, r->second);
    }
  }
  spec.kind = spec.tokens.size() == 256 && spec.merges.empty() ? "bytes" : "bpe";
  make_tokenizer(spec, file);  // validates (first 256 tokens are the bytes, ...)
  return spec;
}

}  // namespace trit::runtime

// A trit tokenizer as GGUF `gpt2` tokenizer keys. Choices (documented in docs/formats.md):
//   - model "gpt2", pre "gpt-2": trit's pre-tokenizer follows GPT-2's pattern (on bytes);
//   - tokens are GPT-2's byte-to-unicode rendering of each token's bytes, special tokens their
//     text; token_type 1 (normal) for byte and merged tokens, 3 (control) for special ones;
//   - merges as "LEFT RIGHT" in rank order (none for the bytes tokenizer: llama.cpp accepts
//     an empty list and then maps each byte to its own token);
//   - bos = eos = <|endoftext|> when the vocabulary has it; the bytes vocabulary has no
//     special token, so they name byte 0 (NUL), which text never contains and so never stops
//     generation early; add_bos_token and add_eos_token are false (trit trains without them).
#include "trit/convert/source.h"

#include <algorithm>

#include "trit/core/error.h"
#include "trit/data/gpt2_unicode.h"

namespace trit::convert {

formats::GgufMetadata tokenizer_metadata(const data::TokenizerSpec& spec, const std::string& where) {
  const auto tok = data::make_tokenizer(spec, where);
  formats::GgufMetadata m;
  m.set("tokenizer.ggml.model", "gpt2");
  m.set("tokenizer.ggml.pre", "gpt-2");
  std::vector<std::string> tokens = data::gpt2_token_texts(*tok);
  const int64_t n = int64_t(tokens.size());
  std::vector<int32_t> types(size_t(n), 1);
  for (int64_t i = n - spec.n_special; i < n; ++i) types[size_t(i)] = 3;
  uint32_t special = 0;
  auto eot = std::find(tokens.begin(), tokens.end(), std::string("<|endoftext|>"));
  if (eot != tokens.end() && types[size_t(eot - tokens.begin())] == 3) special = uint32_t(eot - tokens.begin());
  m.set("tokenizer.ggml.tokens", std::move(tokens));
  m.set("tokenizer.ggml.token_type", std::move(types));
  m.set("tokenizer.ggml.merges", data::gpt2_merge_texts(*tok));
  m.set("tokenizer.ggml.bos_token_id", special);
  m.set("tokenizer.ggml.eos_token_id", special);
  m.set("tokenizer.ggml.add_bos_token", false);
  m.set("tokenizer.ggml.add_eos_token", false);
  return m;
}

}  // namespace trit::convert

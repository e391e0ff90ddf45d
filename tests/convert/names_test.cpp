#include <catch2/catch.hpp>

#include <cmath>

#include "trit/convert/names.h"
#include "trit/core/error.h"

using namespace trit::convert;

TEST_CASE("trit, Hugging Face and GGUF names map to each other", "[convert]") {
  CHECK(to_gguf_name("tok_emb.weight", NameStyle::trit) == "token_embd.weight");
  CHECK(to_gguf_name("layers.11.attn.o.weight", NameStyle::trit) == "blk.11.attn_output.weight");
  CHECK(to_gguf_name("layers.0.ffn.sub_norm.weight", NameStyle::trit) == "blk.0.ffn_sub_norm.weight");
  CHECK(to_gguf_name("head.weight", NameStyle::trit) == "output.weight");
  CHECK(to_gguf_name("model.layers.3.self_attn.k_proj.weight", NameStyle::hf) == "blk.3.attn_k.weight");
  CHECK(to_gguf_name("model.layers.3.post_attention_layernorm.weight", NameStyle::hf) == "blk.3.ffn_norm.weight");
  // Both spellings of BitNet's sub-norms (transformers' BitNet and 1bitLLM's Bitnet).
  CHECK(to_gguf_name("model.layers.1.self_attn.attn_sub_norm.weight", NameStyle::hf) == "blk.1.attn_sub_norm.weight");
  CHECK(to_gguf_name("model.layers.1.self_attn.inner_attn_ln.weight", NameStyle::hf) == "blk.1.attn_sub_norm.weight");
  CHECK(to_gguf_name("model.layers.1.mlp.ffn_layernorm.weight", NameStyle::hf) == "blk.1.ffn_sub_norm.weight");
  CHECK(to_gguf_name("blk.2.ffn_down.weight", NameStyle::gguf) == "blk.2.ffn_down.weight");
  CHECK(gguf_to_hf_name("blk.2.ffn_down.weight") == "model.layers.2.mlp.down_proj.weight");
  CHECK(gguf_to_hf_name("blk.0.ffn_sub_norm.weight") == "model.layers.0.mlp.ffn_sub_norm.weight");
  CHECK(gguf_to_hf_name("output_norm.weight") == "model.norm.weight");
  CHECK_FALSE(to_gguf_name("layers.x.attn.q.weight", NameStyle::trit).has_value());
  CHECK_FALSE(to_gguf_name("layers.0.attn.qq.weight", NameStyle::trit).has_value());
  CHECK_FALSE(to_gguf_name("model.layers.0.self_attn.rotary_emb.inv_freq", NameStyle::hf).has_value());
  CHECK_THROWS_WITH(gguf_to_hf_name("rope_freqs.weight"), Catch::Contains("rope_freqs.weight"));
}

TEST_CASE("projections and RoPE tensors are recognised by GGUF name", "[convert]") {
  CHECK(is_projection("blk.0.attn_q.weight"));
  CHECK(is_projection("blk.10.ffn_down.weight"));
  CHECK_FALSE(is_projection("blk.0.attn_sub_norm.weight"));
  CHECK_FALSE(is_projection("token_embd.weight"));
  CHECK(is_rope_query("blk.1.attn_q.weight"));
  CHECK(is_rope_key("blk.1.attn_k.weight"));
  CHECK_FALSE(is_rope_key("blk.1.attn_v.weight"));
}

TEST_CASE("the llama row permutation moves rotate-half pairs to interleaved pairs", "[convert]") {
  // One head of dim 4, one input column: rows r0 r1 r2 r3, rotate-half pairs (0,2), (1,3).
  std::vector<float> w = {0, 1, 2, 3};
  permute_rope_rows(w, 1, 4, 1);
  CHECK(w == std::vector<float>{0, 2, 1, 3});
  unpermute_rope_rows(w, 1, 4, 1);
  CHECK(w == std::vector<float>{0, 1, 2, 3});
  // Two heads of dim 6, three columns: the inverse undoes it.
  std::vector<float> v(2 * 6 * 3);
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i);
  std::vector<float> p = v;
  permute_rope_rows(p, 2, 6, 3);
  CHECK(p != v);
  CHECK(p[size_t(1 * 3)] == v[size_t(3 * 3)]);  // row 1 (pair 0, second) came from row 3 (= 0 + hd/2)
  unpermute_rope_rows(p, 2, 6, 3);
  CHECK(p == v);
  CHECK_THROWS_WITH(permute_rope_rows(p, 2, 5, 3), Catch::Contains("RoPE"));
}

TEST_CASE("interleaved RoPE on permuted rows equals rotate-half RoPE on the original", "[convert]") {
  // q = W x for one head; rotate-half rotates (q_i, q_{i+h}), llama's NORM rope (q_2i, q_2i+1).
  const int64_t hd = 8, n_in = 3, pos = 5;
  std::vector<float> W(size_t(hd * n_in)), x = {0.3f, -1.1f, 0.7f};
  for (size_t i = 0; i < W.size(); ++i) W[i] = std::sin(float(i) * 1.3f);
  auto matvec = [&](const std::vector<float>& m) {
    std::vector<double> q(static_cast<size_t>(hd));
    for (int64_t r = 0; r < hd; ++r)
      for (int64_t c = 0; c < n_in; ++c) q[size_t(r)] += double(m[size_t(r * n_in + c)]) * x[size_t(c)];
    return q;
  };
  auto angle = [&](int64_t i) { return double(pos) * std::pow(10000.0, -2.0 * double(i) / double(hd)); };
  std::vector<double> a = matvec(W), half(static_cast<size_t>(hd));
  for (int64_t i = 0; i < hd / 2; ++i) {
    const double c = std::cos(angle(i)), s = std::sin(angle(i));
    half[size_t(i)] = a[size_t(i)] * c - a[size_t(i + hd / 2)] * s;
    half[size_t(i + hd / 2)] = a[size_t(i)] * s + a[size_t(i + hd / 2)] * c;
  }
  std::vector<float> P = W;
  permute_rope_rows(P, 1, hd, n_in);
  std::vector<double> b = matvec(P), inter(static_cast<size_t>(hd));
  for (int64_t i = 0; i < hd / 2; ++i) {
    const double c = std::cos(angle(i)), s = std::sin(angle(i));
    inter[size_t(2 * i)] = b[size_t(2 * i)] * c - b[size_t(2 * i + 1)] * s;
    inter[size_t(2 * i + 1)] = b[size_t(2 * i)] * s + b[size_t(2 * i + 1)] * c;
  }
  // The same rotated values in the permuted order, so every q.k dot product is unchanged.
  for (int64_t i = 0; i < hd / 2; ++i) {
    CHECK(inter[size_t(2 * i)] == Approx(half[size_t(i)]).margin(1e-12));
    CHECK(inter[size_t(2 * i + 1)] == Approx(half[size_t(i + hd / 2)]).margin(1e-12));
  }
}

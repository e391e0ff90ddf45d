#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "support/check.h"
#include "trit/nn/spectral_embedding.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::nn;

namespace {

Tensor byte_ids(int64_t B, int64_t T, uint64_t seed) {
  std::vector<int32_t> v(size_t(B * T));
  uint64_t s = seed;
  for (auto& x : v) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    x = int32_t((s >> 33) % 256);
  }
  return Tensor::from_vector<int32_t>(v, {B, T});
}

SpectralEmbeddingConfig config(int64_t W, SpectralFeatures f, EmbeddingMode m) {
  SpectralEmbeddingConfig c;
  c.n_vocab = 256;
  c.d_model = 8;
  c.window = W;
  c.features = f;
  c.mode = m;
  return c;
}

}  // namespace

TEST_CASE("spectral features are the DFT of the W most recent bytes") {
  Generator gen(1);
  const int64_t W = 8, F = W / 2 + 1, T = 12;
  SpectralEmbedding e(config(W, SpectralFeatures::both, EmbeddingMode::spectral), gen);
  REQUIRE(e.n_features() == 3 * F);
  const Tensor ids = byte_ids(2, T, 7);
  const Tensor feats = e.features(ids);
  REQUIRE(feats.shape() == Shape{2, T, 3 * F});
  const auto iv = ids.to_vector<int32_t>();
  const auto fv = feats.to_vector<double>();
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t t : {0, 3, 7, 11}) {
      for (int64_t k = 0; k < F; ++k) {
        double re = 0, im = 0;
        for (int64_t j = 0; j < W; ++j) {
          const int64_t src = t - W + 1 + j;
          const double s = src < 0 ? 0.0 : (double(iv[size_t(b * T + src)]) - 127.5) / 127.5;
          const double a = 2.0 * std::numbers::pi * double(j * k) / double(W);
          re += s * std::cos(a);
          im -= s * std::sin(a);
        }
        const double mag = std::hypot(re, im);
        const double* f = &fv[size_t(((b * T + t) * F + k) * 3)];
        INFO("b " << b << " t " << t << " k " << k);
        CHECK(f[0] == Approx(mag / std::sqrt(double(W))).margin(1e-5));
        if (mag > 1e-3) {
          CHECK(f[1] == Approx(re / mag).margin(1e-4));
          CHECK(f[2] == Approx(im / mag).margin(1e-4));
        }
      }
    }
}

TEST_CASE("spectral embedding is causal: changing byte t never changes outputs before t") {
  for (auto mode : {EmbeddingMode::spectral, EmbeddingMode::both}) {
    Generator gen(2);
    SpectralEmbedding e(config(16, SpectralFeatures::both, mode), gen);
    const int64_t T = 40;
    const Tensor ids = byte_ids(1, T, 9);
    const auto base = e.forward(ids).to_vector<float>();
    for (int64_t t : {0, 10, 39}) {
      Tensor ids2 = ids.clone();
      ids2.data<int32_t>()[t] = (ids2.data<int32_t>()[t] + 101) % 256;
      const auto y = e.forward(ids2).to_vector<float>();
      for (int64_t i = 0; i < t * 8; ++i) REQUIRE(y[size_t(i)] == base[size_t(i)]);
      bool changed = false;
      for (int64_t i = t * 8; i < (t + 1) * 8; ++i) changed |= y[size_t(i)] != base[size_t(i)];
      CHECK(changed);
      // and the change reaches exactly W positions of the spectral features
      if (mode == EmbeddingMode::spectral && t + 16 < T) {
        for (int64_t i = (t + 16) * 8; i < T * 8; ++i) REQUIRE(y[size_t(i)] == base[size_t(i)]);
      }
    }
  }
}

TEST_CASE("spectral embedding options: feature sets, table mode, gradients reach the projection") {
  Generator gen(3);
  CHECK(SpectralEmbedding(config(8, SpectralFeatures::magnitude, EmbeddingMode::spectral), gen).n_features() == 5);
  CHECK(SpectralEmbedding(config(8, SpectralFeatures::phase, EmbeddingMode::spectral), gen).n_features() == 10);
  SpectralEmbedding table(config(8, SpectralFeatures::both, EmbeddingMode::table), gen);
  CHECK(table.proj == nullptr);
  CHECK(table.named_parameters().size() == 1);
  SpectralEmbedding both(config(8, SpectralFeatures::both, EmbeddingMode::both), gen);
  const auto names = both.named_parameters();
  REQUIRE(names.size() == 3);
  CHECK(names[0].first == "proj.weight");
  CHECK(names[2].first == "table.weight");
  const Tensor ids = byte_ids(2, 5, 4);
  sum(both.forward(ids)).backward();
  CHECK(both.proj->weight.grad().defined());
  CHECK(both.table->weight.grad().defined());
  CHECK_THROWS_WITH(SpectralEmbedding(config(7, SpectralFeatures::both, EmbeddingMode::both), gen),
                    Catch::Contains("window 7 must be even"));
  CHECK_THROWS_WITH(both.forward(Tensor::from_vector<int32_t>({1, 300}, {1, 2})), Catch::Contains("id 300 out of range"));
  CHECK_THROWS_WITH(parse_spectral_features("power"), Catch::Contains("magnitude, phase, both"));
  CHECK_THROWS_WITH(parse_embedding_mode("bpe"), Catch::Contains("spectral, table, both"));
}

// CPU checks of the fused CUDA attention's tiling (backend/cuda/attention_tiles.h), which run
// without a GPU: the causal tile ranges the kernels walk cover every visible (query, key) pair
// exactly once and never a hidden one, and a host twin of the kernels' algorithm (the same
// loops over the same tiles: online softmax with the saved log-sum-exp, delta, the dQ walk over
// key tiles and the dK/dV walk over query tiles and grouped heads) equals the composed CPU op
// in forward and backward. What only a GPU can check (indexing by threads, shuffles, shared
// memory, bf16 rounding) is in attention_test.cpp.
#include "trit/backend/cuda/attention_tiles.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "support/check.h"
#include "trit/ops/ops.h"

using namespace trit;
using namespace trit::cuda::attn;

namespace {

struct Dims {
  int64_t B, H, Hkv, T, S, D;
  int64_t offset() const { return S - T; }
};

// Contiguous [B, heads, len, D] index.
int64_t idx(const Dims& d, int64_t heads, int64_t len, int64_t b, int64_t h, int64_t t) {
  return ((b * heads + h) * len + t) * d.D;
}

double dot(const double* a, const double* b, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

struct Twin {
  std::vector<double> o, lse, dq, dk, dv;
};

// The forward kernel's loops: row blocks of kRowsFwd, key tiles of kKeysTile up to the
// block's key_end, per-tile max then rescale.
void twin_forward(const Dims& d, double scale, const std::vector<double>& q, const std::vector<double>& k,
                  const std::vector<double>& v, Twin& tw) {
  tw.o.assign(q.size(), 0.0);
  tw.lse.assign(size_t(d.B * d.H * d.T), 0.0);
  const int64_t group = d.H / d.Hkv;
  for (int64_t b = 0; b < d.B; ++b)
    for (int64_t h = 0; h < d.H; ++h)
      for (int64_t row0 = 0; row0 < d.T; row0 += kRowsFwd) {
        const int64_t key_end = key_end_for_rows(row0, kRowsFwd, d.T, d.offset());
        REQUIRE(key_end <= d.S);
        for (int64_t row = row0; row < std::min(row0 + kRowsFwd, d.T); ++row) {
          const double* qr = &q[size_t(idx(d, d.H, d.T, b, h, row))];
          double m = -std::numeric_limits<double>::infinity(), l = 0;
          std::vector<double> acc(size_t(d.D), 0.0);
          for (int64_t n0 = 0; n0 < key_end; n0 += kKeysTile) {
            std::vector<double> s(kKeysTile);
            double tile_max = -std::numeric_limits<double>::infinity();
            for (int j = 0; j < kKeysTile; ++j) {
              const int64_t key = n0 + j;
              s[size_t(j)] = -std::numeric_limits<double>::infinity();
              if (key_visible(row, key, d.offset())) {
                REQUIRE(key < d.S);
                s[size_t(j)] = scale * dot(qr, &k[size_t(idx(d, d.Hkv, d.S, b, h / group, key))], d.D);
              }
              tile_max = std::max(tile_max, s[size_t(j)]);
            }
            const double m_new = std::max(m, tile_max);
            REQUIRE(std::isfinite(m_new));  // the kernel relies on it (key 0 in the first tile)
            const double corr = std::exp(m - m_new);
            l *= corr;
            for (double& a : acc) a *= corr;
            for (int j = 0; j < kKeysTile; ++j) {
              const double p = std::exp(s[size_t(j)] - m_new);
              if (p == 0) continue;
              l += p;
              const double* vr = &v[size_t(idx(d, d.Hkv, d.S, b, h / group, n0 + j))];
              for (int64_t c = 0; c < d.D; ++c) acc[size_t(c)] += p * vr[c];
            }
            m = m_new;
          }
          for (int64_t c = 0; c < d.D; ++c) tw.o[size_t(idx(d, d.H, d.T, b, h, row) + c)] = acc[size_t(c)] / l;
          tw.lse[size_t((b * d.H + h) * d.T + row)] = m + std::log(l);
        }
      }
}

// The backward kernels' loops: delta per row; dQ over row blocks and key tiles; dK/dV over
// key blocks, the kv head's group of query heads, and query tiles from first_row_seeing.
void twin_backward(const Dims& d, double scale, const std::vector<double>& q, const std::vector<double>& k,
                   const std::vector<double>& v, const std::vector<double>& dout, Twin& tw) {
  const int64_t group = d.H / d.Hkv;
  std::vector<double> delta(size_t(d.B * d.H * d.T));
  for (int64_t r = 0; r < d.B * d.H * d.T; ++r) delta[size_t(r)] = dot(&dout[size_t(r * d.D)], &tw.o[size_t(r * d.D)], d.D);
  auto prob = [&](int64_t b, int64_t h, int64_t row, int64_t key) {
    if (row >= d.T || !key_visible(row, key, d.offset())) return 0.0;
    REQUIRE(key < d.S);
    const double s = scale * dot(&q[size_t(idx(d, d.H, d.T, b, h, row))], &k[size_t(idx(d, d.Hkv, d.S, b, h / group, key))], d.D);
    return std::exp(s - tw.lse[size_t((b * d.H + h) * d.T + row)]);
  };
  auto dprob = [&](int64_t b, int64_t h, int64_t row, int64_t key) {
    return dot(&dout[size_t(idx(d, d.H, d.T, b, h, row))], &v[size_t(idx(d, d.Hkv, d.S, b, h / group, key))], d.D);
  };
  tw.dq.assign(q.size(), 0.0);
  for (int64_t b = 0; b < d.B; ++b)
    for (int64_t h = 0; h < d.H; ++h)
      for (int64_t row0 = 0; row0 < d.T; row0 += kRowsFwd)
        for (int64_t n0 = 0; n0 < key_end_for_rows(row0, kRowsFwd, d.T, d.offset()); n0 += kKeysTile)
          for (int64_t row = row0; row < std::min(row0 + kRowsFwd, d.T); ++row)
            for (int64_t key = n0; key < std::min(n0 + kKeysTile, d.S); ++key) {
              const double p = prob(b, h, row, key);
              if (p == 0) continue;
              const double ds = p * (dprob(b, h, row, key) - delta[size_t((b * d.H + h) * d.T + row)]);
              for (int64_t c = 0; c < d.D; ++c)
                tw.dq[size_t(idx(d, d.H, d.T, b, h, row) + c)] += scale * ds * k[size_t(idx(d, d.Hkv, d.S, b, h / group, key) + c)];
            }
  tw.dk.assign(k.size(), 0.0);
  tw.dv.assign(v.size(), 0.0);
  for (int64_t b = 0; b < d.B; ++b)
    for (int64_t hk = 0; hk < d.Hkv; ++hk)
      for (int64_t key0 = 0; key0 < d.S; key0 += kKeysBwd)
        for (int64_t h = hk * group; h < (hk + 1) * group; ++h)
          for (int64_t m0 = first_row_seeing(key0, d.offset()); m0 < d.T; m0 += kRowsTile)
            for (int64_t key = key0; key < std::min(key0 + kKeysBwd, d.S); ++key)
              for (int64_t row = m0; row < m0 + kRowsTile; ++row) {
                const double p = prob(b, h, row, key);
                if (p == 0) continue;
                const double ds = p * (dprob(b, h, row, key) - delta[size_t((b * d.H + h) * d.T + row)]);
                const int64_t kv = idx(d, d.Hkv, d.S, b, hk, key), qi = idx(d, d.H, d.T, b, h, row);
                for (int64_t c = 0; c < d.D; ++c) {
                  tw.dv[size_t(kv + c)] += p * dout[size_t(qi + c)];
                  tw.dk[size_t(kv + c)] += scale * ds * q[size_t(qi + c)];
                }
              }
}

}  // namespace

TEST_CASE("attention tiles: head dims map to the 32, 64 and 128 kernels") {
  CHECK(head_dim_bucket(1) == 32);
  CHECK(head_dim_bucket(32) == 32);
  CHECK(head_dim_bucket(33) == 64);
  CHECK(head_dim_bucket(64) == 64);
  CHECK(head_dim_bucket(96) == 128);
  CHECK(head_dim_bucket(128) == 128);
  CHECK(head_dim_bucket(129) == 0);
  CHECK(head_dim_bucket(0) == 0);
  // A row's lanes stay inside one warp and divide it (the shuffle reduction needs both).
  for (int dmax : {32, 64, 128}) {
    CHECK(32 % lanes_per_row(dmax) == 0);
    CHECK(lanes_per_row(dmax) * kSlice == dmax);
    CHECK(threads_fwd(dmax) <= 1024);
    CHECK(threads_dkdv(dmax) % 32 == 0);
  }
}

TEST_CASE("attention tiles: the causal tile walks visit each visible pair once and no hidden one") {
  for (int64_t T : {1, 2, 31, 32, 33, 63, 64, 65, 100, 130}) {
    for (int64_t cache : {0, 1, 7, 64, 97}) {
      const int64_t S = T + cache, offset = cache;
      std::vector<int> fwd(size_t(T * S), 0), bwd(size_t(T * S), 0);
      for (int64_t row0 = 0; row0 < T; row0 += kRowsFwd) {
        const int64_t key_end = key_end_for_rows(row0, kRowsFwd, T, offset);
        REQUIRE(key_end <= S);
        for (int64_t n0 = 0; n0 < key_end; n0 += kKeysTile)
          for (int64_t row = row0; row < std::min(row0 + kRowsFwd, T); ++row)
            for (int64_t key = n0; key < std::min(n0 + kKeysTile, S); ++key)
              if (key_visible(row, key, offset)) ++fwd[size_t(row * S + key)];
      }
      for (int64_t key0 = 0; key0 < S; key0 += kKeysBwd) {
        const int64_t first = first_row_seeing(key0, offset);
        // Rows skipped before `first` see none of the block's keys.
        for (int64_t row = 0; row < std::min(first, T); ++row) REQUIRE_FALSE(key_visible(row, key0, offset));
        for (int64_t m0 = first; m0 < T; m0 += kRowsTile)
          for (int64_t row = m0; row < std::min(m0 + kRowsTile, T); ++row)
            for (int64_t key = key0; key < std::min(key0 + kKeysBwd, S); ++key)
              if (key_visible(row, key, offset)) ++bwd[size_t(row * S + key)];
      }
      for (int64_t row = 0; row < T; ++row)
        for (int64_t key = 0; key < S; ++key) {
          INFO("T " << T << " S " << S << " row " << row << " key " << key);
          const int want = key <= offset + row ? 1 : 0;
          REQUIRE(fwd[size_t(row * S + key)] == want);
          REQUIRE(bwd[size_t(row * S + key)] == want);
        }
    }
  }
}

TEST_CASE("attention tiles: a host twin of the kernels' algorithm equals the composed op, forward and backward") {
  // Odd lengths spanning several tiles, grouped heads, a KV-cache offset, a padded head dim.
  for (const Dims d : {Dims{1, 2, 2, 5, 5, 3}, Dims{2, 4, 2, 70, 70, 8}, Dims{1, 6, 2, 37, 101, 5},
                       Dims{1, 2, 1, 130, 133, 4}}) {
    INFO("B " << d.B << " H " << d.H << " Hkv " << d.Hkv << " T " << d.T << " S " << d.S << " D " << d.D);
    Tensor q = test::leaf({d.B, d.H, d.T, d.D}, 11), k = test::leaf({d.B, d.Hkv, d.S, d.D}, 12);
    Tensor v = test::leaf({d.B, d.Hkv, d.S, d.D}, 13), dout = test::leaf({d.B, d.H, d.T, d.D}, 14).detach();
    const double scale = 1.0 / std::sqrt(double(d.D));
    Tensor out = causal_attention(q, k, v);
    sum(out * dout).backward();

    Twin tw;
    const auto qv = q.to_vector<double>(), kv = k.to_vector<double>(), vv = v.to_vector<double>();
    twin_forward(d, scale, qv, kv, vv, tw);
    twin_backward(d, scale, qv, kv, vv, dout.to_vector<double>(), tw);
    auto close = [](const std::vector<double>& a, const Tensor& b) {
      test::check_close(Tensor::from_vector(a, b.shape()), b, 1e-10, 1e-12);
    };
    close(tw.o, out.detach());
    close(tw.dq, q.grad());
    close(tw.dk, k.grad());
    close(tw.dv, v.grad());
    // lse: log of the row's softmax denominator, checked on the first and last row of head 0.
    for (int64_t row : {int64_t(0), d.T - 1}) {
      double denom = 0;
      for (int64_t key = 0; key <= d.offset() + row; ++key)
        denom += std::exp(scale * dot(&qv[size_t(idx(d, d.H, d.T, 0, 0, row))], &kv[size_t(idx(d, d.Hkv, d.S, 0, 0, key))], d.D));
      CHECK(tw.lse[size_t(row)] == Approx(std::log(denom)).epsilon(1e-12));
    }
  }
}

TEST_CASE("attention tiles: the tensor-core kernels' shared memory fits a block and keeps wmma alignment") {
  for (int dmax : {32, 64, 128}) {
    INFO("head dim " << dmax);
    const TcForwardLayout f = tc_forward_layout(dmax);
    const TcDqLayout q = tc_dq_layout(dmax);
    const TcDkdvLayout k = tc_dkdv_layout(dmax);
    for (int64_t off : {f.q, f.k, f.v, f.s, f.p, f.o, f.bytes, q.q, q.dout, q.k, q.v, q.s, q.dp, q.ds, q.stage, q.bytes, k.k,
                        k.v, k.q, k.dout, k.st, k.dpt, k.pt, k.dst, k.lse, k.delta, k.stage, k.bytes})
      CHECK(off % 128 == 0);
    CHECK(f.bytes <= kMaxDynamicShared);
    CHECK(q.bytes <= kMaxDynamicShared);
    CHECK(k.bytes <= kMaxDynamicShared);
    // regions in order, none overlapping the next
    CHECK(f.o - f.p == kTileBf16Bytes);
    CHECK(k.stage - k.delta == kTcTile * 4);
  }
  CHECK(tc_dkdv_layout(128).bytes == 157184);  // the largest: 153.5 KiB, one block per SM
}

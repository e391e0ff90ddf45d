// Byte-spectral bench (issue 9), side by side in one run:
// 1. One mixing layer's forward + backward: the Hyena mixer (FFT causal long convolution,
//    BitLinear projections) against causal self-attention of the same width (BitLinear
//    projections, trit's composite causal_attention, which materialises the T x T scores), at
//    T = 256, 1024, 4096, 16384, batch 1. Attention whose score tensors would pass --max-gib is
//    reported as out of memory instead of run.
// 2. The spectral embedding's share of a byte_spectral training step (forward + backward of
//    the whole model on a batch, against the embedding's own forward + backward).
//
//   bench_spectral [--width C] [--heads H] [--threads N] [--max-gib G] [--reps R] [--lengths 256,1024]
//                  [--no-step]
//
// Times are the minimum and median over R repetitions after one warm-up (shared machine).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "trit/core/parallel.h"
#include "trit/core/rng.h"
#include "trit/models/byte_spectral.h"
#include "trit/nn/attention.h"
#include "trit/nn/hyena.h"
#include "trit/ops/ops.h"

using namespace trit;

namespace {

struct Timing {
  double min_ms, median_ms;
};

template <typename Fn>
Timing time_it(Fn&& fn, int reps) {
  fn();  // warm-up: plans, allocations
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms.front(), ms[ms.size() / 2]};
}

// Forward, then backward of sum(out * r).
void fwd_bwd(const std::function<Tensor(const Tensor&)>& layer, const Tensor& x, const Tensor& r) {
  Tensor xi = x.detach();
  xi.requires_grad_();
  sum(layer(xi) * r).backward();
}

}  // namespace

int main(int argc, char** argv) {
  int64_t C = 256, H = 4, threads = 0, reps = 3;
  double max_gib = 6.0;
  std::vector<int64_t> lengths{256, 1024, 4096, 16384};
  bool step_share = true;
  for (int i = 1; i < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--no-step") {
      step_share = false;
      --i;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "option %s needs a value\n", k.c_str());
      return 2;
    }
    const char* v = argv[i + 1];
    if (k == "--width") C = std::atoll(v);
    else if (k == "--heads") H = std::atoll(v);
    else if (k == "--threads") threads = std::atoll(v);
    else if (k == "--max-gib") max_gib = std::atof(v);
    else if (k == "--reps") reps = std::atoll(v);
    else if (k == "--lengths") {
      lengths.clear();
      for (const char* p = v; *p;) {
        lengths.push_back(std::atoll(p));
        while (*p && *p != ',') ++p;
        if (*p == ',') ++p;
      }
    }
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (threads > 0) set_num_threads(int(threads));
  std::printf("threads %d, width %lld, heads %lld, batch 1, %lld reps (min / median ms)\n", max_threads(),
              (long long)C, (long long)H, (long long)reps);

  if (lengths.empty() || reps < 1 || C < 1 || H < 1 || C % H != 0) {
    std::fprintf(stderr, "bad options: need lengths, reps >= 1, width a multiple of heads\n");
    return 2;
  }
  int64_t max_len = 0;
  for (int64_t T : lengths) max_len = std::max(max_len, T);
  Generator gen(1);
  nn::HyenaConfig hc;
  hc.d_model = C;
  hc.max_len = max_len;
  nn::HyenaMixer hyena(hc, gen);
  nn::AttentionConfig ac;
  ac.d_model = C;
  ac.n_heads = H;
  ac.n_kv_heads = H;
  nn::CausalSelfAttention attn(ac, gen);

  std::printf("\n%-7s | %-21s | %-21s | %s\n", "T", "hyena fwd+bwd", "attention fwd+bwd", "attention / hyena");
  for (int64_t T : lengths) {
    const Tensor x = Tensor::randn({1, T, C}, gen), r = Tensor::randn({1, T, C}, gen);
    const Timing th = time_it([&] { fwd_bwd([&](const Tensor& in) { return hyena.forward(in); }, x, r); }, int(reps));
    // scores, probabilities and their two gradients, float32
    const double attn_gib = 4.0 * double(H) * double(T) * double(T) * 4.0 / double(1 << 30);
    if (attn_gib > max_gib) {
      std::printf("%-7lld | %9.1f %9.1f  | out of memory budget (T x T tensors need %.0f GiB > %.0f) |\n",
                  (long long)T, th.min_ms, th.median_ms, attn_gib, max_gib);
      continue;
    }
    const Timing ta = time_it([&] { fwd_bwd([&](const Tensor& in) { return attn.forward(in); }, x, r); }, int(reps));
    std::printf("%-7lld | %9.1f %9.1f  | %9.1f %9.1f  | %.1fx (min) %.1fx (median)\n", (long long)T, th.min_ms,
                th.median_ms, ta.min_ms, ta.median_ms, ta.min_ms / th.min_ms, ta.median_ms / th.median_ms);
    std::fflush(stdout);
  }

  if (!step_share) return 0;
  // Embedding share of a training step: the tinyshakespeare preset's model and batch.
  models::ModelConfig mc;
  mc.family = "byte_spectral";
  mc.vocab_size = 256;
  mc.d_model = 128;
  mc.n_layers = 4;
  mc.d_ff = 384;
  mc.max_seq_len = 256;
  mc.spectral_window = 16;
  models::ByteSpectral model(mc, gen);
  const int64_t B = 16, T = 256;
  std::vector<int32_t> ids(size_t(B * (T + 1)));
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = int32_t((i * 2654435761u) >> 24) & 255;
  const Tensor all = Tensor::from_vector<int32_t>(ids, {B, T + 1});
  const Tensor in = contiguous(narrow(all, 1, 0, T)), tgt = contiguous(narrow(all, 1, 1, T)).reshape({-1});
  const Timing step = time_it([&] {
    model.zero_grad();
    cross_entropy(model.forward(in).reshape({B * T, 256}), tgt).backward();
  }, int(reps));
  const Tensor re = Tensor::randn({B, T, 128}, gen);
  const Timing emb = time_it([&] {
    model.zero_grad();
    sum(model.embed->forward(in) * re).backward();
  }, int(reps));
  std::printf("\nbyte_spectral training step (d_model 128, 4 blocks, batch %lld x %lld, window %lld): %.1f / %.1f ms\n",
              (long long)B, (long long)T, (long long)mc.spectral_window, step.min_ms, step.median_ms);
  std::printf("spectral embedding forward+backward: %.2f / %.2f ms = %.1f%% (min) %.1f%% (median) of the step\n",
              emb.min_ms, emb.median_ms, 100.0 * emb.min_ms / step.min_ms, 100.0 * emb.median_ms / step.median_ms);
  return 0;
}

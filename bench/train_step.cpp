// One training step (forward, backward, AdamW) of a BitNet (or full-precision) decoder or of
// a single BitNet block, timed. Its PyTorch twin is bench/train_step_torch.py; bench/train_step.sh
// runs both with the same shapes and threads and prints the ratio.
//   bench_train_step [--what model|block] [--family bitnet|transformer] [--threads N] [--steps N]
//                    [--batch B] [--seq T] [--d D] [--layers L] [--heads H] [--kv-heads K] [--ffn F] [--vocab V]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "trit/core/blas_kernels.h"
#include "trit/core/parallel.h"
#include "trit/models/decoder.h"
#include "trit/models/registry.h"
#include "trit/ops/ops.h"
#include "trit/optim/adamw.h"

using namespace trit;

int main(int argc, char** argv) {
  select_blas_kernels(argv);
  std::string what = "model", family = "bitnet";
  int threads = 1, steps = 10;
  models::ModelConfig c;
  c.d_model = 128, c.n_layers = 4, c.n_heads = 4, c.n_kv_heads = 4, c.d_ff = 384, c.vocab_size = 256, c.max_seq_len = 256;
  int64_t B = 16, T = 128;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--what") what = v;
    else if (k == "--family") family = v;
    else if (k == "--threads") threads = std::stoi(v);
    else if (k == "--steps") steps = std::stoi(v);
    else if (k == "--batch") B = std::stoll(v);
    else if (k == "--seq") T = std::stoll(v);
    else if (k == "--d") c.d_model = std::stoll(v);
    else if (k == "--layers") c.n_layers = std::stoll(v);
    else if (k == "--heads") c.n_heads = std::stoll(v);
    else if (k == "--kv-heads") c.n_kv_heads = std::stoll(v);
    else if (k == "--ffn") c.d_ff = std::stoll(v);
    else if (k == "--vocab") c.vocab_size = std::stoll(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  c.family = family;
  c.max_seq_len = std::max<int64_t>(c.max_seq_len, T);
  set_num_threads(threads);
  Generator gen(1);
  std::shared_ptr<nn::Module> module;
  std::function<Tensor()> loss_fn;
  Tensor ids = Tensor::empty({B, T}, DType::i32), targets = Tensor::empty({B * T}, DType::i32);
  for (int64_t i = 0; i < B * T; ++i) {
    ids.data<int32_t>()[i] = int32_t((i * 31 + 7) % c.vocab_size);
    targets.data<int32_t>()[i] = int32_t((i * 17 + 3) % c.vocab_size);
  }
  if (what == "model") {
    auto model = models::create_model(c, gen);
    module = model;
    loss_fn = [=] { return cross_entropy(model->forward(ids).reshape({B * T, c.vocab_size}), targets); };
  } else {
    auto block = std::make_shared<models::DecoderBlock>(c, family == "bitnet", gen);
    module = block;
    Tensor x = Tensor::randn({B, T, c.d_model}, gen);
    Tensor r = Tensor::randn({B, T, c.d_model}, gen);
    loss_fn = [=] { return mean(block->forward(x, nullptr) * r); };
  }
  optim::AdamWConfig ac;
  ac.lr = 1e-3;
  optim::AdamW opt(module->parameters(), ac);
  std::vector<double> times;
  for (int s = 0; s < steps + 2; ++s) {
    const auto t0 = std::chrono::steady_clock::now();
    opt.zero_grad();
    loss_fn().backward();
    opt.step();
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s >= 2) times.push_back(dt);  // two warm-up steps
  }
  std::sort(times.begin(), times.end());
  const double med = times[times.size() / 2];
  std::printf("trit %s %s B=%lld T=%lld d=%lld L=%lld threads=%d blas=%s: %.2f ms/step, %.0f tokens/s\n", what.c_str(),
              family.c_str(), (long long)B, (long long)T, (long long)c.d_model, (long long)c.n_layers, threads,
              blas_kernel_name(), med * 1e3, double(B * T) / med);
  return 0;
}

// Training throughput on a CUDA GPU: a BitNet decoder of about 125M parameters (d 768, 12
// layers, 12 heads, SwiGLU FFN 3456, byte vocabulary: 124M), forward + backward + AdamW per
// step under bf16 autocast, float32 master weights. Prints ms/step, tokens/s and model FLOP
// utilisation (MFU = 6 N tokens/s over the card's dense bf16 peak). Its PyTorch twin (eager,
// torch.autocast bf16) is bench/train_gpu_torch.py; bench/train_gpu.sh runs both with the same
// shapes and prints the ratio. Without a usable GPU it prints why and exits 77.
//
// How to run (on the GPU machine, from the repository root, after building):
//   cmake -S . -B build -G Ninja -DTRIT_GUI=OFF && cmake --build build --target bench_train_gpu
//   bash bench/train_gpu.sh                       # both sides, default shapes, ratio
//   build/bin/bench_train_gpu --batch 16 --seq 1024 --steps 20 [--amp none] [--peak-tflops 989]
// The peak is looked up from the device name (H100/H200 SXM: 989.4 dense bf16 TFLOPS; H100
// PCIe: 756) unless --peak-tflops is given; with --amp none the float32 run is still compared
// against the bf16 peak. Record results with device name and date in bench/RESULTS.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "trit/core/accelerator.h"
#include "trit/models/registry.h"
#include "trit/ops/ops.h"
#include "trit/optim/adamw.h"
#include "trit/autograd/autocast.h"

#if TRIT_HAVE_CUDA
#include "trit/backend/cuda/context.h"
#endif

using namespace trit;

namespace {

// Moves every parameter and buffer of the model onto `device` in place: the tensor handles
// the modules hold keep their identity (and so their names and requires_grad), only their
// storage changes. Leaves only: call before any graph is recorded.
void move_to_device(const nn::Module& model, Device device) {
  for (const auto& group : {model.named_parameters(), model.named_buffers()}) {
    for (const auto& [name, t] : group) {
      const Tensor moved = t.detach().contiguous().to(device);
      TensorImpl& impl = t.impl();
      impl.storage = moved.storage();
      impl.strides = moved.strides();
      impl.offset = moved.offset();
    }
  }
}

// Dense bf16 tensor-core peak of known cards, in TFLOPS; 0 when unknown.
double known_peak_tflops(const std::string& name) {
  if (name.find("H100") != std::string::npos && name.find("PCIe") != std::string::npos) return 756.0;
  if (name.find("H100") != std::string::npos || name.find("H200") != std::string::npos) return 989.4;
  if (name.find("A100") != std::string::npos) return 312.0;
  return 0.0;
}

}  // namespace

int main(int argc, char** argv) {
  models::ModelConfig c;
  c.family = "bitnet";
  c.d_model = 768, c.n_layers = 12, c.n_heads = 12, c.n_kv_heads = 12, c.d_ff = 3456, c.vocab_size = 256;
  int64_t B = 16, T = 1024;
  int steps = 20;
  std::string amp = "bf16";
  double peak_tflops = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--batch") B = std::stoll(v);
    else if (k == "--seq") T = std::stoll(v);
    else if (k == "--steps") steps = std::stoi(v);
    else if (k == "--amp") amp = v;
    else if (k == "--peak-tflops") peak_tflops = std::stod(v);
    else if (k == "--d") c.d_model = std::stoll(v);
    else if (k == "--layers") c.n_layers = std::stoll(v);
    else if (k == "--heads") c.n_heads = c.n_kv_heads = std::stoll(v);
    else if (k == "--ffn") c.d_ff = std::stoll(v);
    else if (k == "--vocab") c.vocab_size = std::stoll(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (amp != "bf16" && amp != "none") {
    std::fprintf(stderr, "--amp must be bf16 or none, got %s\n", amp.c_str());
    return 2;
  }
  if (!cuda_available()) {
    std::printf("skipped: %s\n", cuda_unavailable_reason().c_str());
    return 77;
  }
#if TRIT_HAVE_CUDA
  const std::string device_name = cuda::context(0).props.name;
  if (peak_tflops == 0) peak_tflops = known_peak_tflops(device_name);
  c.max_seq_len = std::max<int64_t>(c.max_seq_len, T);
  const Device gpu = Device::cuda(0);
  Generator gen(1);
  auto model = models::create_model(c, gen);
  model->train();
  move_to_device(*model, gpu);
  const double n_params = double(model->n_parameters());

  // The PyTorch twin's token pattern: ids (31 i + 7) mod V, targets (17 i + 3) mod V.
  Tensor ids = Tensor::empty({B, T}, DType::i32), targets = Tensor::empty({B * T}, DType::i32);
  for (int64_t i = 0; i < B * T; ++i) {
    ids.data<int32_t>()[i] = int32_t((i * 31 + 7) % c.vocab_size);
    targets.data<int32_t>()[i] = int32_t((i * 17 + 3) % c.vocab_size);
  }
  ids = ids.to(gpu);
  targets = targets.to(gpu);

  optim::AdamWConfig ac;
  ac.lr = 1e-3;
  optim::AdamW opt(model->parameters(), ac);
  std::vector<double> times;
  double last_loss = 0;
  for (int s = 0; s < steps + 3; ++s) {
    cuda::synchronize(0);
    const auto t0 = std::chrono::steady_clock::now();
    opt.zero_grad();
    Tensor loss;
    {
      std::optional<AutocastGuard> guard;
      if (amp == "bf16") guard.emplace(DType::bf16);
      loss = cross_entropy(model->forward(ids).reshape({B * T, c.vocab_size}), targets);
    }
    loss.backward();
    opt.step();
    cuda::synchronize(0);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s >= 3) times.push_back(dt);  // three warm-up steps (allocator caches, cuBLASLt plans)
    if (s == steps + 2) last_loss = loss.item();
  }
  std::sort(times.begin(), times.end());
  const double med = times[times.size() / 2];
  const double tok_s = double(B * T) / med;
  const double mfu = peak_tflops > 0 ? 6.0 * n_params * tok_s / (peak_tflops * 1e12) : 0.0;
  std::printf("trit %s bitnet N=%.1fM B=%lld T=%lld d=%lld L=%lld amp=%s: %.2f ms/step, %.0f tokens/s, MFU %.1f%% "
              "(peak %.1f TFLOPS), loss %.4f\n",
              device_name.c_str(), n_params / 1e6, (long long)B, (long long)T, (long long)c.d_model,
              (long long)c.n_layers, amp.c_str(), med * 1e3, tok_s, mfu * 100, peak_tflops, last_loss);
  return 0;
#else
  (void)peak_tflops;
  return 77;
#endif
}

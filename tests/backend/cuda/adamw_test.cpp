// The fused CUDA AdamW step against the CPU optimizer: several steps on CUDA parameters with
// decay on matrices only, state on the device, the lerp branch for both beta1 ranges.
#include "trit/backend/cuda/adamw.h"

#include <catch2/catch.hpp>

#include "support/cuda.h"
#include "support/device_compare.h"
#include "trit/optim/adamw.h"
#include "trit/optim/sgd.h"

using namespace trit;
using test::random_f32;

namespace {

void run_steps(double beta1) {
  const Device gpu = Device::cuda(0);
  std::vector<Tensor> cpu_params{random_f32({33, 65}, 81).set_name("w"), random_f32({65}, 82).set_name("b")};
  std::vector<Tensor> gpu_params;
  for (Tensor& p : cpu_params) {
    gpu_params.push_back(p.to(gpu).set_name(p.name()));
    p.requires_grad_();
    gpu_params.back().requires_grad_();
  }
  optim::AdamWConfig config;
  config.lr = 3e-3;
  config.beta1 = beta1;
  config.weight_decay = 0.1;
  optim::AdamW cpu_opt(cpu_params, config), gpu_opt(gpu_params, config);
  for (int step = 0; step < 5; ++step) {
    for (size_t i = 0; i < cpu_params.size(); ++i) {
      const Tensor g = random_f32(cpu_params[i].shape(), 100 + uint64_t(step * 10 + i));
      cpu_params[i].set_grad(g);
      gpu_params[i].set_grad(g.to(gpu));
    }
    cpu_opt.step();
    gpu_opt.step();
  }
  for (size_t i = 0; i < cpu_params.size(); ++i) {
    test::require_close(gpu_params[i].detach(), cpu_params[i].detach(), test::kF32Rtol, test::kF32Atol, "parameter");
    CHECK(gpu_opt.state_dict().at(gpu_params[i].name() + ".exp_avg").device() == gpu);
  }
}

}  // namespace

TEST_CASE("cuda AdamW equals the CPU update over five steps") {
  TRIT_REQUIRE_GPU();
  run_steps(0.9);
  run_steps(0.3);  // torch's other lerp branch
}

TEST_CASE("cuda optimizers: SGD (CPU only) refuses CUDA parameters, AdamW takes f32 only") {
  TRIT_REQUIRE_GPU();
  Tensor p = random_f32({4}, 83).to(Device::cuda(0));
  p.requires_grad_();
  CHECK_THROWS_WITH(optim::SGD({p}, optim::SGDConfig{}), Catch::Contains("cuda:0") && Catch::Contains("CPU parameters only"));
  Tensor q = random_f32({4}, 84).to(DType::f64).to(Device::cuda(0));
  q.requires_grad_();
  CHECK_THROWS_WITH(optim::AdamW({q}, optim::AdamWConfig{}), Catch::Contains("f32"));
}

// Host <-> device and device <-> device copies, conversions and creation on CUDA, checked
// against the CPU's own conversions.
#include "trit/backend/cuda/copy.h"

#include <catch2/catch.hpp>

#include "support/cuda.h"
#include "support/device_compare.h"

using namespace trit;
using test::random_f32;

TEST_CASE("cuda copies: round trip of every dtype, sizes around the staging chunk") {
  TRIT_REQUIRE_GPU();
  const Device gpu = Device::cuda(0);
  for (int64_t n : {int64_t(0), int64_t(1), int64_t(1000003), int64_t(3) << 20}) {  // 12 MiB of f32: three chunks
    const Tensor x = random_f32({n}, 201, 50.0);
    for (DType d : {DType::f32, DType::f64, DType::bf16, DType::f16, DType::i8, DType::i32, DType::u8}) {
      INFO(dtype_name(d) << " n=" << n);
      const Tensor c = x.to(d);
      const Tensor back = c.to(gpu).to(Device::cpu());
      REQUIRE(back.dtype() == d);
      CHECK(back.to_vector<double>() == c.to_vector<double>());
    }
  }
}

TEST_CASE("cuda copies: strided sources are made contiguous on their own device") {
  TRIT_REQUIRE_GPU();
  const Device gpu = Device::cuda(0);
  const Tensor x = random_f32({33, 70, 3}, 202);
  const Tensor view = x.permute({2, 0, 1}).narrow(2, 5, 61);
  const Tensor on_gpu = view.to(gpu);  // host-side contiguous copy, then one transfer
  CHECK(on_gpu.is_contiguous());
  CHECK(on_gpu.to_vector<float>() == view.to_vector<float>());
  const Tensor gview = x.to(gpu).permute({2, 0, 1}).narrow(2, 5, 61);
  CHECK(gview.to(Device::cpu()).to_vector<float>() == view.to_vector<float>());  // contiguous on the GPU first
  CHECK(gview.contiguous().to_vector<float>() == view.to_vector<float>());
}

TEST_CASE("cuda conversions round like the CPU (bf16 and f16 to nearest even, ints truncate)") {
  TRIT_REQUIRE_GPU();
  const Device gpu = Device::cuda(0);
  const Tensor x = random_f32({4099}, 203, 1000.0);
  for (DType d : {DType::bf16, DType::f16, DType::i32, DType::f64}) {
    INFO(dtype_name(d));
    CHECK(x.to(gpu).to(d).to_vector<double>() == x.to(d).to_vector<double>());
    CHECK(x.to(d).to(gpu).to(DType::f32).to_vector<float>() == x.to(d).to(DType::f32).to_vector<float>());
  }
}

TEST_CASE("cuda creation: zeros, ones, full, empty and scalars on the device") {
  TRIT_REQUIRE_GPU();
  const Device gpu = Device::cuda(0);
  CHECK(Tensor::zeros({3, 1025}, DType::f32, gpu).to_vector<float>() == std::vector<float>(3 * 1025, 0.0f));
  CHECK(Tensor::ones({7}, DType::bf16, gpu).to_vector<float>() == std::vector<float>(7, 1.0f));
  CHECK(Tensor::full({2, 3}, -2.5, DType::f64, gpu).to_vector<double>() == std::vector<double>(6, -2.5));
  CHECK(Tensor::full({5}, 7, DType::i32, gpu).to_vector<int32_t>() == std::vector<int32_t>(5, 7));
  const Tensor e = Tensor::empty({0, 4}, DType::f32, gpu);
  CHECK(e.device() == gpu);
  CHECK(e.to_vector<float>().empty());
  CHECK(Tensor::full({}, 3.5, DType::f32, gpu).item() == 3.5);
}

TEST_CASE("cuda copies: gradients flow back across to(device)") {
  TRIT_REQUIRE_GPU();
  Tensor x = random_f32({5, 9}, 204);
  x.requires_grad_();
  Tensor y = (x.to(Device::cuda(0)) * 2.0).to(Device::cpu());
  sum(y).backward();
  REQUIRE(x.grad().defined());
  CHECK(x.grad().device() == Device::cpu());
  CHECK(x.grad().to_vector<float>() == std::vector<float>(45, 2.0f));
}

TEST_CASE("cuda copies between two devices when the machine has them") {
  TRIT_REQUIRE_GPU();
  if (cuda_device_count() < 2) return;  // one device: nothing to copy between (checked above)
  const Tensor x = random_f32({1000}, 205);
  const Tensor y = x.to(Device::cuda(0)).to(Device::cuda(1));
  CHECK(y.device() == Device::cuda(1));
  CHECK(y.to_vector<float>() == x.to_vector<float>());
}

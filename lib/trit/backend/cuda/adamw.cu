// The fused AdamW kernel (see adamw.h): one grid-stride pass reads g, m, v, p and writes m, v, p;
// the per-element update is kernel_math.h's adamw_element, checked on the CPU.
#include "trit/backend/cuda/adamw.h"

#include <initializer_list>

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/device_utils.cuh"
#include "trit/backend/cuda/tensor_access.h"

namespace trit::cuda {
namespace {

__global__ void adamw_kernel(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                             float* __restrict__ v, int64_t n, AdamWCoeffs c) {
  TRIT_GRID_STRIDE(i, n) adamw_element(p[i], g[i], m[i], v[i], c);
}

}  // namespace

void adamw_step(Tensor& param, const Tensor& grad, Tensor& m, Tensor& v, const AdamWHyper& h) {
  for (const Tensor* t : std::initializer_list<const Tensor*>{&param, &grad, &m, &v}) {
    TRIT_CHECK(t->is_contiguous() && t->shape() == param.shape() && t->device() == param.device(),
               "AdamW: internal: parameter", param.name_suffix(), " and its state must be contiguous, of one shape, on one device");
  }
  const int64_t n = param.numel();
  if (n == 0) return;
  const AdamWCoeffs c = adamw_coeffs(h.beta1, h.beta2, h.eps, h.decay_factor, h.step_size, h.sqrt_bc2);
  adamw_kernel<<<grid_for(n), kThreads, 0, stream(param.device().index)>>>(
      device_ptr<float>(param, DType::f32, "AdamW"), device_ptr<const float>(grad, DType::f32, "AdamW"),
      device_ptr<float>(m, DType::f32, "AdamW"), device_ptr<float>(v, DType::f32, "AdamW"), n, c);
  TRIT_CUDA_CHECK_LAUNCH();
}

}  // namespace trit::cuda

// The fused AdamW kernel (see adamw.h): one grid-stride pass reads g, m, v, p and writes m, v, p.
#include "trit/backend/cuda/adamw.h"

#include <initializer_list>

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/device_utils.cuh"
#include "trit/backend/cuda/tensor_access.h"

namespace trit::cuda {
namespace {

struct Coeffs {
  float b1, b2, w1, w2, decay, step_size, sqrt_bc2, eps;
  bool lerp_from_start;  // torch's lerp: m + w (g - m) for w < 0.5, else g - (g - m)(1 - w)
};

__global__ void adamw_kernel(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                             float* __restrict__ v, int64_t n, Coeffs c) {
  TRIT_GRID_STRIDE(i, n) {
    const float gi = g[i];
    const float mi = c.lerp_from_start ? m[i] + c.w1 * (gi - m[i]) : gi - (gi - m[i]) * c.b1;
    const float vi = v[i] * c.b2 + c.w2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const float denom = sqrtf(vi) / c.sqrt_bc2 + c.eps;
    p[i] = p[i] * c.decay - c.step_size * (mi / denom);
  }
}

}  // namespace

void adamw_step(Tensor& param, const Tensor& grad, Tensor& m, Tensor& v, const AdamWHyper& h) {
  for (const Tensor* t : std::initializer_list<const Tensor*>{&param, &grad, &m, &v}) {
    TRIT_CHECK(t->is_contiguous() && t->shape() == param.shape() && t->device() == param.device(),
               "AdamW: internal: parameter", param.name_suffix(), " and its state must be contiguous, of one shape, on one device");
  }
  const int64_t n = param.numel();
  if (n == 0) return;
  Coeffs c;
  c.b1 = float(h.beta1);
  c.b2 = float(h.beta2);
  c.w1 = float(1.0 - h.beta1);
  c.w2 = float(1.0 - h.beta2);
  c.decay = float(h.decay_factor);
  c.step_size = float(h.step_size);
  c.sqrt_bc2 = float(h.sqrt_bc2);
  c.eps = float(h.eps);
  c.lerp_from_start = 1.0 - h.beta1 < 0.5;
  adamw_kernel<<<grid_for(n), kThreads, 0, stream(param.device().index)>>>(
      device_ptr<float>(param, DType::f32, "AdamW"), device_ptr<const float>(grad, DType::f32, "AdamW"),
      device_ptr<float>(m, DType::f32, "AdamW"), device_ptr<float>(v, DType::f32, "AdamW"), n, c);
  TRIT_CUDA_CHECK_LAUNCH();
}

}  // namespace trit::cuda

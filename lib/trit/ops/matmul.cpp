// matmul: batched GEMM over broadcast batch dims. Each operand's last two dims are passed to
// BLAS as they are when row- or column-contiguous (so transposed views cost nothing).
// Backward: dA = dC @ B^T, dB = A^T @ dC, each summed over the batch dims it was broadcast on.
#include "trit/ops/matmul.h"

#include "trit/autograd/autocast.h"
#include "trit/autograd/node.h"
#include "trit/backend/cpu/gemm.h"
#include "trit/backend/lt_gemm_plan.h"
#if TRIT_HAVE_CUDA
#include "trit/backend/cuda/matmul_cuda.h"
#endif
#include "trit/core/dtype_dispatch.h"
#include "trit/ops/binary.h"
#include "trit/ops/view.h"

namespace trit {
namespace {

// How BLAS should read the last two dims of t: transposed flag and leading dimension.
bool blas_layout(const Tensor& t, bool& trans, int64_t& ld) {
  const int64_t nd = t.dim();
  return lt::matrix_layout(t.shape()[size_t(nd - 2)], t.shape()[size_t(nd - 1)], t.strides()[size_t(nd - 2)],
                           t.strides()[size_t(nd - 1)], trans, ld);
}

Tensor matmul_forward(const Tensor& a_in, const Tensor& b_in) {
  TRIT_CHECK(a_in.dim() >= 2 && b_in.dim() >= 2, "matmul: operands need at least 2 dims, got ",
             shape_str(a_in.shape()), " and ", shape_str(b_in.shape()));
  TRIT_CHECK(a_in.dtype() == b_in.dtype(), "matmul: dtypes differ (", dtype_name(a_in.dtype()), " and ",
             dtype_name(b_in.dtype()), ")");
  const int64_t M = a_in.size(-2), K = a_in.size(-1), N = b_in.size(-1);
  TRIT_CHECK(b_in.size(-2) == K, "matmul: inner dims differ: ", shape_str(a_in.shape()), " @ ", shape_str(b_in.shape()));
  if (a_in.device().is_cpu() && (a_in.dtype() == DType::bf16 || a_in.dtype() == DType::f16)) {
    // The CPU has no 16-bit GEMM: the 16-bit values are exact in float32, their products are
    // summed in float32 (as tensor cores do) and the result is rounded once.
    NoGradGuard no_grad;
    return to_dtype(matmul_forward(to_dtype(a_in.detach(), DType::f32), to_dtype(b_in.detach(), DType::f32)),
                    a_in.dtype());
  }
  const Shape a_batch(a_in.shape().begin(), a_in.shape().end() - 2);
  const Shape b_batch(b_in.shape().begin(), b_in.shape().end() - 2);
  const Shape batch = broadcast_shapes(a_batch, b_batch, "matmul");
  Shape out_shape = batch;
  out_shape.push_back(M);
  out_shape.push_back(N);

  Shape a_full = batch, b_full = batch;
  a_full.insert(a_full.end(), {M, K});
  b_full.insert(b_full.end(), {K, N});
  NoGradGuard no_grad;
  Tensor a = expand(a_in.detach(), a_full), b = expand(b_in.detach(), b_full);
  bool ta = false, tb = false;
  int64_t lda = 0, ldb = 0;
  if (!blas_layout(a, ta, lda)) {
    a = contiguous(a);
    blas_layout(a, ta, lda);
  }
  if (!blas_layout(b, tb, ldb)) {
    b = contiguous(b);
    blas_layout(b, tb, ldb);
  }
#if TRIT_HAVE_CUDA
  // CUDA tensors: the same layouts through cuBLASLt (backend/cuda/matmul_cuda.h).
  if (a.device().is_cuda()) return cuda::matmul_expanded(a, b, {M, N, K, ta, tb, lda, ldb, N}, a.dtype());
#endif
  Tensor out = Tensor::empty(out_shape, a.dtype());
  const int64_t n_batch = numel(batch);
  const size_t nb = batch.size();
  visit_float(a.dtype(), "matmul", [&](auto tag) {
    using T = decltype(tag);
    const T* ap = a.data<T>();
    const T* bp = b.data<T>();
    T* op = out.data<T>();
    for (int64_t i = 0; i < n_batch; ++i) {
      int64_t oa = 0, ob = 0, r = i;
      for (size_t d = nb; d-- > 0;) {
        const int64_t c = r % batch[d];
        r /= batch[d];
        oa += c * a.strides()[d];
        ob += c * b.strides()[d];
      }
      if (K == 0) {
        std::fill(op + i * M * N, op + (i + 1) * M * N, T(0));
        continue;
      }
      cpu::gemm(ta, tb, M, N, K, T(1), ap + oa, lda, bp + ob, ldb, T(0), op + i * M * N, std::max<int64_t>(N, 1));
    }
  });
  return out;
}

// Sums a gradient over the batch dims its operand was broadcast on. 16-bit gradients are
// summed in float32 and rounded once (reductions have no 16-bit kernels, and float32
// accumulation is what they should get anyway).
Tensor sum_grad_to_shape(const Tensor& g, const Shape& shape) {
  if (g.shape() == shape) return g;
  if (g.dtype() == DType::bf16 || g.dtype() == DType::f16)
    return to_dtype(sum_to_shape(to_dtype(g, DType::f32), shape), g.dtype());
  return sum_to_shape(g, shape);
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  // Autocast (autograd/autocast.h): multiply 16-bit copies, hand back float32.
  if (const auto dt = autocast_compute_dtype({a, b})) return to_dtype(matmul(to_dtype(a, *dt), to_dtype(b, *dt)), DType::f32);
  Tensor out = matmul_forward(a, b);
  if (needs_grad({a, b})) {
    const bool ga = a.requires_grad(), gb = b.requires_grad();
    record("matmul", out, {a, b},
           [sa = SavedTensor(gb ? a : Tensor(), "matmul"), sb = SavedTensor(ga ? b : Tensor(), "matmul"),
            shape_a = a.shape(), shape_b = b.shape()](const Tensor& g) {
      Tensor da, db;
      if (sb.get().defined()) da = sum_grad_to_shape(matmul_forward(g, transpose(sb.get(), -1, -2)), shape_a);
      if (sa.get().defined()) db = sum_grad_to_shape(matmul_forward(transpose(sa.get(), -1, -2), g), shape_b);
      return std::vector<Tensor>{da, db};
    });
  }
  return out;
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  TRIT_CHECK(weight.dim() == 2, "linear: weight", weight.name_suffix(), " must be 2-D [out, in], got ",
             shape_str(weight.shape()));
  TRIT_CHECK(x.dim() >= 1 && x.size(-1) == weight.size(1), "linear: input ", shape_str(x.shape()),
             " does not match weight", weight.name_suffix(), " ", shape_str(weight.shape()));
  Shape out_shape = x.shape();
  out_shape.back() = weight.size(0);
  Tensor x2 = reshape(x, {-1, weight.size(1)});
#if TRIT_HAVE_CUDA
  // Inference on CUDA: the bias rides in the GEMM's epilogue, saving the broadcast-add pass.
  if (bias.defined() && x.device().is_cuda() && !needs_grad({x, weight, bias})) {
    return reshape(cuda::linear_bias(x2, weight, bias), out_shape);
  }
#endif
  Tensor y = matmul(x2, transpose(weight, 0, 1));
  if (bias.defined()) y = y + bias;
  return reshape(y, out_shape);
}

}  // namespace trit

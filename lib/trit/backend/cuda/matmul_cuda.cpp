#include "trit/backend/cuda/matmul_cuda.h"

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/backend/cuda/gemm_lt.h"
#include "trit/backend/cuda/tensor_access.h"

namespace trit::cuda {
namespace {

// The device address of a view's first element (Tensor::raw_data is host-only by design).
char* view_ptr(const Tensor& t) { return static_cast<char*>(storage_ptr(t)); }

GemmTypes gemm_types(DType in, DType out, const char* op) {
  if (in == DType::f32 && out == DType::f32) return GemmTypes::f32;
  if (in == DType::bf16 && out == DType::bf16) return GemmTypes::bf16;
  if (in == DType::bf16 && out == DType::f32) return GemmTypes::bf16_f32;
  if (in == DType::f16 && out == DType::f16) return GemmTypes::f16;
  if (in == DType::f16 && out == DType::f32) return GemmTypes::f16_f32;
  fail(op, " on CUDA: ", dtype_name(in), " inputs with ", dtype_name(out),
       " output are not supported (f32 -> f32; bf16 or f16 -> itself or f32)");
}

}  // namespace

Tensor matmul_expanded(const Tensor& a, const Tensor& b, const lt::RowMajorGemm& gemm, DType out_dtype) {
  TRIT_CHECK(a.device() == b.device(), "matmul: operands on ", a.device().str(), " and ", b.device().str());
  const GemmTypes types = gemm_types(a.dtype(), out_dtype, "matmul");
  const size_t nb = size_t(a.dim() - 2);
  const Shape batch(a.shape().begin(), a.shape().begin() + long(nb));
  Shape out_shape = batch;
  out_shape.insert(out_shape.end(), {gemm.M, gemm.N});
  Tensor out = Tensor::empty(out_shape, out_dtype, a.device());
  const int device = a.device().index;
  if (out.numel() == 0) return out;
  if (gemm.K == 0) {
    context(device);  // makes the device current
    TRIT_CUDA_CHECK(cudaMemsetAsync(view_ptr(out), 0, out.nbytes(), stream(device)));
    return out;
  }
  lt::RowMajorGemm g = gemm;
  g.ldc = gemm.N;
  const lt::MatmulPlan plan = lt::plan_matmul(batch, Strides(a.strides().begin(), a.strides().begin() + long(nb)),
                                              Strides(b.strides().begin(), b.strides().begin() + long(nb)), g);
  const int64_t in_size = int64_t(dtype_size(a.dtype())), out_size = int64_t(dtype_size(out_dtype));
  char* ap = view_ptr(a);
  char* bp = view_ptr(b);
  char* cp = view_ptr(out);
  for (const lt::BatchCall& c : plan.calls) {
    GemmCall call;
    call.gemm = plan.gemm;
    call.types = types;
    call.a = ap + c.offset_a * in_size;
    call.b = bp + c.offset_b * in_size;
    call.c = cp + c.offset_c * out_size;
    call.count = c.count;
    call.stride_a = c.stride_a;
    call.stride_b = c.stride_b;
    call.stride_c = c.stride_c;
    cuda::gemm(call, device);
  }
  return out;
}

Tensor linear_bias(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  TRIT_CHECK(x.dim() == 2 && weight.dim() == 2 && bias.dim() == 1 && x.size(1) == weight.size(1) &&
                 bias.size(0) == weight.size(0),
             "linear on CUDA: x ", shape_str(x.shape()), ", weight", weight.name_suffix(), " ",
             shape_str(weight.shape()), " and bias ", shape_str(bias.shape()), " do not fit");
  TRIT_CHECK(x.device() == weight.device() && x.device() == bias.device(), "linear on CUDA: tensors on ",
             x.device().str(), ", ", weight.device().str(), " and ", bias.device().str());
  TRIT_CHECK(x.dtype() == weight.dtype() && bias.dtype() == x.dtype(), "linear on CUDA: dtypes ",
             dtype_name(x.dtype()), ", ", dtype_name(weight.dtype()), " and ", dtype_name(bias.dtype()), " differ");
  const int64_t M = x.size(0), K = x.size(1), N = weight.size(0);
  lt::RowMajorGemm g{M, N, K, false, true, 0, 0, N};
  TRIT_CHECK(lt::matrix_layout(M, K, x.strides()[0], x.strides()[1], g.trans_a, g.lda) &&
                 lt::matrix_layout(N, K, weight.strides()[0], weight.strides()[1], g.trans_b, g.ldb) &&
                 (bias.strides()[0] == 1 || N == 1),
             "linear on CUDA: x, weight and bias must be row- or column-contiguous views");
  g.trans_b = !g.trans_b;  // our B is weightᵀ: a row-major weight is a transposed B
  Tensor out = Tensor::empty({M, N}, x.dtype(), x.device());
  if (out.numel() == 0) return out;
  TRIT_CHECK(K > 0, "linear on CUDA: zero input features");
  GemmCall call;
  call.gemm = g;
  call.types = gemm_types(x.dtype(), x.dtype(), "linear");
  call.a = view_ptr(x);
  call.b = view_ptr(weight);
  call.c = view_ptr(out);
  call.bias = view_ptr(bias);
  gemm(call, x.device().index);
  return out;
}

}  // namespace trit::cuda

// Causal attention with grouped-query heads. On the CPU it is composed from primitives
// (matmul, mask, softmax) so its gradient is exact by construction; on a CUDA device it runs
// the fused kernels of backend/cuda/attention.h (online softmax forward saving the
// log-sum-exp, recomputing backward), checked against the composed op.
#include "trit/ops/attention.h"

#include <cmath>
#include <limits>

#include "trit/autograd/node.h"
#include "trit/core/dtype_dispatch.h"
#include "trit/core/parallel.h"
#include "trit/ops/binary.h"
#include "trit/ops/matmul.h"
#include "trit/ops/softmax.h"
#include "trit/ops/view.h"

#if TRIT_HAVE_CUDA
#include "trit/autograd/autocast.h"
#include "trit/backend/cuda/attention.h"
#include "trit/backend/cuda/tensor_access.h"
#endif

namespace trit {
namespace {

// Zeroes (or -infs) the entries above the causal diagonal of [..., T, S].
Tensor apply_mask(const Tensor& x, int64_t offset, double fill) {
  const int64_t T = x.size(-2), S = x.size(-1);
  Tensor out = contiguous(x.detach()).clone();
  const int64_t mats = T * S == 0 ? 0 : out.numel() / (T * S);
  visit_float(out.dtype(), "causal_mask", [&](auto tag) {
    using F = decltype(tag);
    F* p = out.data<F>();
    const F f = F(fill);
    parallel_for(mats * T, 64, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const int64_t t = r % T;
        for (int64_t s = std::max<int64_t>(0, offset + t + 1); s < S; ++s) p[r * S + s] = f;
      }
    });
  });
  return out;
}

// [B, Hkv, S, D] -> [B, Hkv * group, S, D], each kv head repeated for its group of query heads.
Tensor repeat_kv(const Tensor& x, int64_t group) {
  if (group == 1) return x;
  const int64_t B = x.size(0), Hkv = x.size(1), S = x.size(2), D = x.size(3);
  return reshape(expand(unsqueeze(x, 2), {B, Hkv, group, S, D}), {B, Hkv * group, S, D});
}

#if TRIT_HAVE_CUDA
cuda::HeadStrides head_strides(const Tensor& t) { return {t.strides()[0], t.strides()[1], t.strides()[2]}; }

// The kernels read the head dim as contiguous; other dims may have any stride.
Tensor head_dim_contiguous(const Tensor& t) { return t.strides()[3] == 1 || t.size(3) <= 1 ? t : contiguous(t); }

// q, k, v detached, head dim contiguous, all of one dtype and device.
Tensor fused_attention_cuda(const Tensor& q_in, const Tensor& k_in, const Tensor& v_in, double scale) {
  const Device dev = q_in.device();
  TRIT_CHECK(k_in.device() == dev && v_in.device() == dev, "causal_attention: q on ", dev.str(), ", k on ",
             k_in.device().str(), ", v on ", v_in.device().str());
  TRIT_CHECK(k_in.dtype() == q_in.dtype() && v_in.dtype() == q_in.dtype(), "causal_attention: dtypes differ (q ",
             dtype_name(q_in.dtype()), ", k ", dtype_name(k_in.dtype()), ", v ", dtype_name(v_in.dtype()), ")");
  cuda::AttentionShape shape;
  shape.B = q_in.size(0);
  shape.H = q_in.size(1);
  shape.T = q_in.size(2);
  shape.D = q_in.size(3);
  shape.Hkv = k_in.size(1);
  shape.S = k_in.size(2);
  shape.scale = float(scale);
  shape.dtype = q_in.dtype();
  cuda::check_attention_shape(shape);

  const Tensor q = head_dim_contiguous(q_in.detach()), k = head_dim_contiguous(k_in.detach()),
               v = head_dim_contiguous(v_in.detach());
  const cuda::AttentionInputs in{cuda::storage_ptr(q), cuda::storage_ptr(k), cuda::storage_ptr(v), head_strides(q), head_strides(k), head_strides(v)};
  Tensor out = Tensor::empty(q.shape(), q.dtype(), dev);
  Tensor lse = Tensor::empty({shape.B, shape.H, shape.T}, DType::f32, dev);
  cuda::attention_forward(shape, in, cuda::storage_ptr(out), head_strides(out), static_cast<float*>(cuda::storage_ptr(lse)), dev.index);

  if (needs_grad({q_in, k_in, v_in})) {
    // out.detach(): the node must not own the tensor it is attached to (a reference cycle).
    record("causal_attention", out, {q_in, k_in, v_in},
           [shape, sq = SavedTensor(q, "causal_attention"), sk = SavedTensor(k, "causal_attention"),
            sv = SavedTensor(v, "causal_attention"), so = SavedTensor(out.detach(), "causal_attention"),
            sl = SavedTensor(lse, "causal_attention")](const Tensor& g_in) {
             const Tensor &q = sq.get(), &k = sk.get(), &v = sv.get(), &o = so.get();
             const Device dev = q.device();
             const Tensor g = head_dim_contiguous(g_in.dtype() == shape.dtype ? g_in : g_in.to(shape.dtype));
             Tensor dq = Tensor::empty(q.shape(), shape.dtype, dev);
             Tensor dk = Tensor::empty(k.shape(), shape.dtype, dev);
             Tensor dv = Tensor::empty(v.shape(), shape.dtype, dev);
             Tensor delta = Tensor::empty({shape.B, shape.H, shape.T}, DType::f32, dev);
             const cuda::AttentionInputs in{cuda::storage_ptr(q), cuda::storage_ptr(k), cuda::storage_ptr(v),
                                            head_strides(q), head_strides(k), head_strides(v)};
             cuda::AttentionGrads gr;
             gr.o = cuda::storage_ptr(o);
             gr.o_st = head_strides(o);
             gr.dout = cuda::storage_ptr(g);
             gr.dout_st = head_strides(g);
             gr.lse = static_cast<float*>(cuda::storage_ptr(sl.get()));
             gr.delta = static_cast<float*>(cuda::storage_ptr(delta));
             gr.dq = cuda::storage_ptr(dq);
             gr.dq_st = head_strides(dq);
             gr.dk = cuda::storage_ptr(dk);
             gr.dk_st = head_strides(dk);
             gr.dv = cuda::storage_ptr(dv);
             gr.dv_st = head_strides(dv);
             cuda::attention_backward(shape, in, gr, dev.index);
             return std::vector<Tensor>{dq, dk, dv};
           });
  }
  return out;
}

// Under a bf16 autocast the fused kernel runs on bf16 copies of float32 inputs and its result
// comes back as float32 (the casts carry the gradients between the two types).
Tensor causal_attention_cuda(const Tensor& q, const Tensor& k, const Tensor& v, double scale) {
  if (const auto dt = autocast_compute_dtype({q, k, v}); dt && *dt == DType::bf16) {
    return to_dtype(fused_attention_cuda(to_dtype(q, *dt), to_dtype(k, *dt), to_dtype(v, *dt), scale), DType::f32);
  }
  return fused_attention_cuda(q, k, v, scale);
}
#endif

}  // namespace

Tensor causal_mask(const Tensor& scores, int64_t offset) {
  TRIT_CHECK(scores.dim() >= 2, "causal_mask: scores need [..., T, S], got ", shape_str(scores.shape()));
  Tensor out = apply_mask(scores, offset, -std::numeric_limits<double>::infinity());
  if (needs_grad({scores})) {
    record("causal_mask", out, {scores}, [offset](const Tensor& g) { return std::vector<Tensor>{apply_mask(g, offset, 0.0)}; });
  }
  return out;
}

Tensor causal_attention(const Tensor& q, const Tensor& k, const Tensor& v, double scale) {
  TRIT_CHECK(q.dim() == 4 && k.dim() == 4 && v.dim() == 4, "causal_attention: expected q [B, H, T, D], k and v [B, Hkv, S, D]; got ",
             shape_str(q.shape()), ", ", shape_str(k.shape()), ", ", shape_str(v.shape()));
  const int64_t B = q.size(0), H = q.size(1), T = q.size(2), D = q.size(3);
  const int64_t Hkv = k.size(1), S = k.size(2);
  TRIT_CHECK(k.shape() == v.shape() && k.size(0) == B && k.size(3) == D, "causal_attention: k ", shape_str(k.shape()),
             " and v ", shape_str(v.shape()), " do not match q ", shape_str(q.shape()));
  TRIT_CHECK(Hkv > 0 && H % Hkv == 0, "causal_attention: ", H, " query heads are not a multiple of ", Hkv, " kv heads");
  TRIT_CHECK(S >= T, "causal_attention: fewer keys (", S, ") than queries (", T, ")");
  if (scale == 0.0) scale = 1.0 / std::sqrt(double(D));
  if (q.device().is_cuda()) {
#if TRIT_HAVE_CUDA
    return causal_attention_cuda(q, k, v, scale);
#else
    fail("causal_attention: tensors on ", q.device().str(), " but this build has no CUDA backend");
#endif
  }
  const Tensor kr = repeat_kv(k, H / Hkv), vr = repeat_kv(v, H / Hkv);
  Tensor scores = matmul(q, transpose(kr, -1, -2)) * scale;
  Tensor p = softmax(causal_mask(scores, S - T), -1);
  return matmul(p, vr);
}

}  // namespace trit

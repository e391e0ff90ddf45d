#include "trit/backend/cuda/gemm_lt.h"

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include "trit/backend/cuda/context.h"
#include "trit/backend/cuda/cuda_check.h"
#include "trit/core/error.h"

namespace trit::cuda {
namespace {

std::atomic<bool> g_allow_tf32{false};

struct TypeInfo {
  cudaDataType_t ab, c;
  cublasComputeType_t compute;
  cudaDataType_t scale;
  const char* name;
};

TypeInfo type_info(GemmTypes t, bool tf32) {
  switch (t) {
    case GemmTypes::f32:
      return {CUDA_R_32F, CUDA_R_32F, tf32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F, CUDA_R_32F,
              tf32 ? "f32 (tf32)" : "f32"};
    case GemmTypes::bf16:
      return {CUDA_R_16BF, CUDA_R_16BF, CUBLAS_COMPUTE_32F, CUDA_R_32F, "bf16"};
    case GemmTypes::bf16_f32:
      return {CUDA_R_16BF, CUDA_R_32F, CUBLAS_COMPUTE_32F, CUDA_R_32F, "bf16 -> f32"};
    case GemmTypes::f16:
      return {CUDA_R_16F, CUDA_R_16F, CUBLAS_COMPUTE_32F, CUDA_R_32F, "f16"};
    case GemmTypes::f16_f32:
      return {CUDA_R_16F, CUDA_R_32F, CUBLAS_COMPUTE_32F, CUDA_R_32F, "f16 -> f32"};
    case GemmTypes::i8_i32:
      return {CUDA_R_8I, CUDA_R_32I, CUBLAS_COMPUTE_32I, CUDA_R_32I, "i8 -> i32"};
  }
  fail("gemm: unknown type combination ", int(t));
}

// The largest power of two (<= 256) dividing the address: what the heuristic may assume.
int64_t pointer_alignment(const void* p) {
  const auto v = reinterpret_cast<uintptr_t>(p);
  int64_t a = 256;
  while (a > 1 && v % uintptr_t(a) != 0) a /= 2;
  return a;
}

struct DescDeleter {
  void operator()(cublasLtMatmulDesc_t d) const { cublasLtMatmulDescDestroy(d); }
};
struct LayoutDeleter {
  void operator()(cublasLtMatrixLayout_t l) const { cublasLtMatrixLayoutDestroy(l); }
};
struct PreferenceDeleter {
  void operator()(cublasLtMatmulPreference_t p) const { cublasLtMatmulPreferenceDestroy(p); }
};
using Desc = std::unique_ptr<std::remove_pointer_t<cublasLtMatmulDesc_t>, DescDeleter>;
using Layout = std::unique_ptr<std::remove_pointer_t<cublasLtMatrixLayout_t>, LayoutDeleter>;
using Preference = std::unique_ptr<std::remove_pointer_t<cublasLtMatmulPreference_t>, PreferenceDeleter>;

// Everything cuBLASLt needs for one cached problem.
struct Plan {
  Desc desc;
  Layout a, b, c;  // cuBLASLt's A (our B), B (our A), C = D (our C)
  std::vector<cublasLtMatmulHeuristicResult_t> algos;
};

using Key = std::array<int64_t, 24>;

Layout make_layout(cudaDataType_t type, const lt::LtLayout& l, int64_t count, int64_t stride) {
  cublasLtMatrixLayout_t raw = nullptr;
  TRIT_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&raw, type, uint64_t(l.rows), uint64_t(l.cols), l.ld));
  Layout layout(raw);
  if (count > 1) {
    const int32_t n = int32_t(count);
    TRIT_CUBLAS_CHECK(cublasLtMatrixLayoutSetAttribute(raw, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &n, sizeof(n)));
    TRIT_CUBLAS_CHECK(
        cublasLtMatrixLayoutSetAttribute(raw, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride, sizeof(stride)));
  }
  return layout;
}

std::string describe(const GemmCall& call, const TypeInfo& t) {
  const auto& g = call.gemm;
  return str_cat(t.name, " GEMM M=", g.M, " N=", g.N, " K=", g.K, " trans_a=", g.trans_a, " trans_b=", g.trans_b,
                 " lda=", g.lda, " ldb=", g.ldb, " ldc=", g.ldc, " batch=", call.count, call.bias ? " +bias" : "");
}

void check_call(const GemmCall& call, const TypeInfo& t, const lt::LtProblem& p) {
  const auto& g = call.gemm;
  TRIT_CHECK(g.M > 0 && g.N > 0 && g.K > 0, "gemm: ", describe(call, t), ": every dim must be positive");
  TRIT_CHECK(call.a && call.b && call.c, "gemm: ", describe(call, t), ": null operand pointer");
  TRIT_CHECK(call.count >= 1 && call.count <= INT32_MAX, "gemm: ", describe(call, t), ": batch count out of range");
  TRIT_CHECK(p.a.ld >= p.a.rows && p.b.ld >= p.b.rows && p.d.ld >= p.d.rows, "gemm: ", describe(call, t),
             ": a leading dimension is smaller than its matrix");
  TRIT_CHECK(!(call.bias && call.types == GemmTypes::i8_i32), "gemm: ", describe(call, t),
             ": no bias epilogue for int8");
  TRIT_CHECK(call.types != GemmTypes::i8_i32 || (call.alpha == 1.0f && call.beta == 0.0f), "gemm: ",
             describe(call, t), ": int8 takes alpha 1 and beta 0 only");
}

std::mutex g_mutex;                               // guards the cache and the bias attribute
std::map<Key, std::unique_ptr<Plan>> g_cache;     // never shrinks: one entry per shape seen

Plan& plan_for(const GemmCall& call, const TypeInfo& t, const lt::LtProblem& p, int device, DeviceContext& ctx) {
  const bool tf32 = t.compute == CUBLAS_COMPUTE_32F_FAST_TF32;
  const Key key{device, int64_t(call.types), tf32, p.trans_a, p.trans_b, p.m, p.n, p.k, p.a.rows, p.a.cols, p.a.ld,
                p.b.rows, p.b.cols, p.b.ld, p.d.ld, call.count, call.stride_a, call.stride_b, call.stride_c,
                call.bias != nullptr, pointer_alignment(call.a), pointer_alignment(call.b),
                pointer_alignment(call.c), call.bias ? pointer_alignment(call.bias) : 0};
  auto it = g_cache.find(key);
  if (it != g_cache.end()) return *it->second;

  auto plan = std::make_unique<Plan>();
  cublasLtMatmulDesc_t raw = nullptr;
  TRIT_CUBLAS_CHECK(cublasLtMatmulDescCreate(&raw, t.compute, t.scale));
  plan->desc.reset(raw);
  const cublasOperation_t op_a = p.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t op_b = p.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
  TRIT_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(raw, CUBLASLT_MATMUL_DESC_TRANSA, &op_a, sizeof(op_a)));
  TRIT_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(raw, CUBLASLT_MATMUL_DESC_TRANSB, &op_b, sizeof(op_b)));
  if (call.bias) {
    const cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_BIAS;
    const int32_t bias_type = int32_t(t.c);
    TRIT_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(raw, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue, sizeof(epilogue)));
    TRIT_CUBLAS_CHECK(
        cublasLtMatmulDescSetAttribute(raw, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bias_type, sizeof(bias_type)));
    // The heuristic reads the pointer's alignment; the value is set again before every call.
    TRIT_CUBLAS_CHECK(
        cublasLtMatmulDescSetAttribute(raw, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &call.bias, sizeof(call.bias)));
  }
  // cuBLASLt's A is our B and its B is our A (lt_gemm_plan.h).
  plan->a = make_layout(t.ab, p.a, call.count, call.stride_b);
  plan->b = make_layout(t.ab, p.b, call.count, call.stride_a);
  plan->c = make_layout(t.c, p.d, call.count, call.stride_c);

  cublasLtMatmulPreference_t raw_pref = nullptr;
  TRIT_CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&raw_pref));
  Preference pref(raw_pref);
  const uint64_t workspace = ctx.lt_workspace_bytes;
  TRIT_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(raw_pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                         &workspace, sizeof(workspace)));
  const uint32_t align_a = uint32_t(pointer_alignment(call.b)), align_b = uint32_t(pointer_alignment(call.a)),
                 align_c = uint32_t(pointer_alignment(call.c));
  TRIT_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(raw_pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES,
                                                         &align_a, sizeof(align_a)));
  TRIT_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(raw_pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
                                                         &align_b, sizeof(align_b)));
  TRIT_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(raw_pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES,
                                                         &align_c, sizeof(align_c)));
  TRIT_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(raw_pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES,
                                                         &align_c, sizeof(align_c)));

  std::array<cublasLtMatmulHeuristicResult_t, 8> results{};
  int found = 0;
  const cublasStatus_t status =
      cublasLtMatmulAlgoGetHeuristic(ctx.lt, raw, plan->a.get(), plan->b.get(), plan->c.get(), plan->c.get(),
                                     raw_pref, int(results.size()), results.data(), &found);
  TRIT_CHECK(status == CUBLAS_STATUS_SUCCESS || status == CUBLAS_STATUS_NOT_SUPPORTED, "gemm: ", describe(call, t),
             ": cublasLtMatmulAlgoGetHeuristic failed with status ", int(status));
  for (int i = 0; status == CUBLAS_STATUS_SUCCESS && i < found; ++i) {
    if (results[size_t(i)].state == CUBLAS_STATUS_SUCCESS) plan->algos.push_back(results[size_t(i)]);
  }
  TRIT_CHECK(!plan->algos.empty(), "gemm: cuBLASLt has no algorithm for ", describe(call, t), " (pointer alignment ",
             align_b, "/", align_a, "/", align_c, " bytes)");
  return *g_cache.emplace(key, std::move(plan)).first->second;
}

}  // namespace

void set_allow_tf32(bool on) { g_allow_tf32 = on; }
bool allow_tf32() { return g_allow_tf32; }

void gemm(const GemmCall& call, int device) {
  const TypeInfo t = type_info(call.types, g_allow_tf32);
  const lt::LtProblem p = lt::to_column_major(call.gemm);
  check_call(call, t, p);
  DeviceContext& ctx = context(device);
  std::lock_guard lock(g_mutex);
  Plan& plan = plan_for(call, t, p, device, ctx);
  TRIT_CHECK(call.algo_index >= 0 && size_t(call.algo_index) < plan.algos.size(), "gemm: algorithm ",
             call.algo_index, " of ", plan.algos.size(), " for ", describe(call, t));
  if (call.bias) {
    TRIT_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(plan.desc.get(), CUBLASLT_MATMUL_DESC_BIAS_POINTER, &call.bias,
                                                     sizeof(call.bias)));
  }
  const int32_t alpha_i = 1, beta_i = 0;
  const void* alpha = call.types == GemmTypes::i8_i32 ? static_cast<const void*>(&alpha_i) : &call.alpha;
  const void* beta = call.types == GemmTypes::i8_i32 ? static_cast<const void*>(&beta_i) : &call.beta;
  const auto& algo = plan.algos[size_t(call.algo_index)];
  TRIT_CUBLAS_CHECK(cublasLtMatmul(ctx.lt, plan.desc.get(), alpha, call.b, plan.a.get(), call.a, plan.b.get(), beta,
                                   call.c, plan.c.get(), call.c, plan.c.get(), &algo.algo, ctx.lt_workspace,
                                   ctx.lt_workspace_bytes, ctx.stream));
}

int gemm_algo_count(const GemmCall& call, int device) {
  const TypeInfo t = type_info(call.types, g_allow_tf32);
  const lt::LtProblem p = lt::to_column_major(call.gemm);
  check_call(call, t, p);
  DeviceContext& ctx = context(device);
  std::lock_guard lock(g_mutex);
  return int(plan_for(call, t, p, device, ctx).algos.size());
}

GemmCall i8_i32_call(const int8_t* x, int64_t n_tokens, int64_t ldx, const int8_t* w, int64_t rows, int64_t ldw,
                     int64_t K, int32_t* y, int64_t ldy) {
  TRIT_CHECK(K % 4 == 0 && rows % 4 == 0 && ldx % 4 == 0 && ldw % 4 == 0 && ldy % 4 == 0, "gemm_i8_i32: K=", K,
             ", rows=", rows, ", ldx=", ldx, ", ldw=", ldw, " and ldy=", ldy,
             " must be multiples of 4 (cuBLASLt's int8 kernels: m, k and leading dimensions)");
  GemmCall call;
  // C [n_tokens, rows] = X [n_tokens, K] · Wᵀ with W stored [rows, K], so our B is transposed.
  // Mapped column-major (lt_gemm_plan.h): cuBLASLt's A = W with CUBLAS_OP_T, B = X with
  // CUBLAS_OP_N: the "TN" form the int8 kernels require.
  call.gemm = {n_tokens, rows, K, false, true, ldx, ldw, ldy};
  call.types = GemmTypes::i8_i32;
  call.a = x;
  call.b = w;
  call.c = y;
  return call;
}

void gemm_i8_i32(const int8_t* x, int64_t n_tokens, int64_t ldx, const int8_t* w, int64_t rows, int64_t ldw,
                 int64_t K, int32_t* y, int64_t ldy, int device) {
  gemm(i8_i32_call(x, n_tokens, ldx, w, rows, ldw, K, y, ldy), device);
}

}  // namespace trit::cuda

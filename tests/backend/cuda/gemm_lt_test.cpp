// Tests gemm_lt.cpp: cuBLASLt GEMMs against a double-precision reference over the same row-major
// operands (f32 to 1e-5, bf16 to 1e-2, int8 exact), through transposes, unaligned views,
// strided batches, accumulation and the bias epilogue. Argument checks run without a GPU.
#if TRIT_HAVE_CUDA
#include "trit/backend/cuda/gemm_lt.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "support/cuda.h"
#include "support/cuda_buffer.h"
#include "trit/core/half.h"

using namespace trit;
using trit::test::CudaBuffer;

namespace {

std::vector<float> random_floats(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// C (M x N, ldc) = op(A) op(B) (+ bias) in double, row-major as gemm_lt.h defines it.
std::vector<double> reference(const lt::RowMajorGemm& g, const std::vector<double>& A, const std::vector<double>& B,
                              const std::vector<double>& bias = {}) {
  std::vector<double> C(size_t(g.M * g.ldc), 0.0);
  for (int64_t i = 0; i < g.M; ++i) {
    for (int64_t j = 0; j < g.N; ++j) {
      double s = bias.empty() ? 0.0 : bias[size_t(j)];
      for (int64_t k = 0; k < g.K; ++k) {
        const double a = g.trans_a ? A[size_t(k * g.lda + i)] : A[size_t(i * g.lda + k)];
        const double b = g.trans_b ? B[size_t(j * g.ldb + k)] : B[size_t(k * g.ldb + j)];
        s += a * b;
      }
      C[size_t(i * g.ldc + j)] = s;
    }
  }
  return C;
}

std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

// Errors relative to the largest result: per-element relative checks would fail on entries that
// cancel to near zero, where float32 rounding of the partial sums dominates.
void check_rows(const lt::RowMajorGemm& g, const std::vector<float>& got, const std::vector<double>& want, double tol) {
  double scale = 0;
  for (int64_t i = 0; i < g.M; ++i) {
    for (int64_t j = 0; j < g.N; ++j) scale = std::max(scale, std::abs(want[size_t(i * g.ldc + j)]));
  }
  for (int64_t i = 0; i < g.M; ++i) {
    for (int64_t j = 0; j < g.N; ++j) {
      const size_t at = size_t(i * g.ldc + j);
      CHECK(std::abs(double(got[at]) - want[at]) <= tol * scale);
    }
  }
}

// Operand sizes (elements) for a row-major gemm.
size_t a_elems(const lt::RowMajorGemm& g) { return size_t((g.trans_a ? g.K : g.M) * g.lda); }
size_t b_elems(const lt::RowMajorGemm& g) { return size_t((g.trans_b ? g.N : g.K) * g.ldb); }

}  // namespace

TEST_CASE("cuda gemm: arguments cuBLASLt cannot take are errors before any device work") {
  CHECK_THROWS_WITH(cuda::i8_i32_call(nullptr, 8, 6, nullptr, 8, 8, 6, nullptr, 8), Catch::Contains("multiples of 4"));
  cuda::GemmCall call;
  call.gemm = {0, 4, 4, false, false, 4, 4, 4};
  CHECK_THROWS_WITH(cuda::gemm(call), Catch::Contains("M=0") && Catch::Contains("positive"));
  call.gemm = {4, 4, 4, false, false, 4, 4, 4};
  CHECK_THROWS_WITH(cuda::gemm(call), Catch::Contains("null operand"));
  float dummy[16] = {};
  call.a = call.b = call.c = dummy;
  call.gemm.ldb = 2;  // B is K x N = 4 x 4 with rows 2 apart: overlapping
  CHECK_THROWS_WITH(cuda::gemm(call), Catch::Contains("leading dimension"));
  call.gemm.ldb = 4;
  call.types = cuda::GemmTypes::i8_i32;
  call.bias = dummy;
  CHECK_THROWS_WITH(cuda::gemm(call), Catch::Contains("no bias epilogue for int8"));
}

TEST_CASE("cuda gemm: f32 in every transpose combination, odd sizes, unaligned views") {
  TRIT_REQUIRE_GPU();
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      const int64_t M = 37, N = 29, K = 53;
      lt::RowMajorGemm g{M, N, K, ta, tb, (ta ? M : K) + 3, (tb ? K : N) + 1, N + 2};
      const auto A = random_floats(a_elems(g), 1), B = random_floats(b_elems(g), 2);
      // One element in: 4-byte aligned pointers, which the heuristic must be told about.
      CudaBuffer<float> da(A.size() + 1), db(B.size() + 1), dc(size_t(M * g.ldc) + 1);
      TRIT_CUDA_CHECK(cudaMemcpy(da.get() + 1, A.data(), A.size() * 4, cudaMemcpyHostToDevice));
      TRIT_CUDA_CHECK(cudaMemcpy(db.get() + 1, B.data(), B.size() * 4, cudaMemcpyHostToDevice));
      cuda::GemmCall call;
      call.gemm = g;
      call.a = da.get() + 1;
      call.b = db.get() + 1;
      call.c = dc.get() + 1;
      cuda::gemm(call);
      auto out = dc.host();
      out.erase(out.begin());
      check_rows(g, out, reference(g, to_double(A), to_double(B)), 1e-5);
    }
  }
}

TEST_CASE("cuda gemm: strided batch, accumulation into C and the bias epilogue") {
  TRIT_REQUIRE_GPU();
  const int64_t M = 16, N = 24, K = 40, batch = 3;
  const lt::RowMajorGemm g{M, N, K, false, true, K, K, N};
  const auto A = random_floats(size_t(batch * M * K), 3), B = random_floats(size_t(batch * N * K), 4);
  const auto C0 = random_floats(size_t(batch * M * N), 5), bias = random_floats(size_t(N), 6);
  CudaBuffer<float> da(A), db(B), dc(C0), dbias(bias);
  cuda::GemmCall call;
  call.gemm = g;
  call.a = da.get();
  call.b = db.get();
  call.c = dc.get();
  call.count = batch;
  call.stride_a = M * K;
  call.stride_b = N * K;
  call.stride_c = M * N;
  call.beta = 1.0f;
  cuda::gemm(call);
  const auto out = dc.host();
  for (int64_t i = 0; i < batch; ++i) {
    const std::vector<double> a(A.begin() + i * M * K, A.begin() + (i + 1) * M * K);
    const std::vector<double> b(B.begin() + i * N * K, B.begin() + (i + 1) * N * K);
    auto want = reference(g, a, b);
    for (size_t e = 0; e < want.size(); ++e) want[e] += C0[size_t(i * M * N) + e];
    check_rows(g, std::vector<float>(out.begin() + i * M * N, out.begin() + (i + 1) * M * N), want, 1e-5);
  }
  // Bias: one GEMM, no batch.
  cuda::GemmCall with_bias;
  with_bias.gemm = g;
  with_bias.a = da.get();
  with_bias.b = db.get();
  with_bias.c = dc.get();
  with_bias.bias = dbias.get();
  cuda::gemm(with_bias);
  const auto biased = dc.host();
  check_rows(g, std::vector<float>(biased.begin(), biased.begin() + M * N),
             reference(g, {A.begin(), A.begin() + M * K}, {B.begin(), B.begin() + N * K}, to_double(bias)), 1e-5);
}

TEST_CASE("cuda gemm: bf16 and f16 inputs with f32 and half outputs to 1e-2, TF32 opt-in to 1e-2") {
  TRIT_REQUIRE_GPU();
  const int64_t M = 64, N = 48, K = 96;
  const lt::RowMajorGemm g{M, N, K, false, false, K, N, N};
  const auto Af = random_floats(size_t(M * K), 7), Bf = random_floats(size_t(K * N), 8);
  std::vector<uint16_t> A(Af.size()), B(Bf.size());
  std::vector<double> Ar(Af.size()), Br(Bf.size());  // the bf16 values, exactly
  for (size_t i = 0; i < A.size(); ++i) Ar[i] = bf16_to_float(A[i] = float_to_bf16(Af[i]));
  for (size_t i = 0; i < B.size(); ++i) Br[i] = bf16_to_float(B[i] = float_to_bf16(Bf[i]));
  const auto want = reference(g, Ar, Br);
  CudaBuffer<uint16_t> da(A), db(B), dc16(size_t(M * N));
  CudaBuffer<float> dc32(size_t(M * N));
  cuda::GemmCall call;
  call.gemm = g;
  call.a = da.get();
  call.b = db.get();
  call.types = cuda::GemmTypes::bf16_f32;
  call.c = dc32.get();
  cuda::gemm(call);
  check_rows(g, dc32.host(), want, 1e-2);
  call.types = cuda::GemmTypes::bf16;
  call.c = dc16.get();
  cuda::gemm(call);
  const auto out16 = dc16.host();
  std::vector<float> out(out16.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = bf16_to_float(out16[i]);
  check_rows(g, out, want, 1e-2);

  // f16 the same way (10-bit mantissas: the same tolerance holds).
  std::vector<uint16_t> A16(Af.size()), B16(Bf.size());
  for (size_t i = 0; i < A16.size(); ++i) Ar[i] = f16_to_float(A16[i] = float_to_f16(Af[i]));
  for (size_t i = 0; i < B16.size(); ++i) Br[i] = f16_to_float(B16[i] = float_to_f16(Bf[i]));
  const auto want16 = reference(g, Ar, Br);
  CudaBuffer<uint16_t> ha(A16), hb(B16);
  call.a = ha.get();
  call.b = hb.get();
  call.types = cuda::GemmTypes::f16_f32;
  call.c = dc32.get();
  cuda::gemm(call);
  check_rows(g, dc32.host(), want16, 1e-2);
  call.types = cuda::GemmTypes::f16;
  call.c = dc16.get();
  cuda::gemm(call);
  const auto h16 = dc16.host();
  for (size_t i = 0; i < out.size(); ++i) out[i] = f16_to_float(h16[i]);
  check_rows(g, out, want16, 1e-2);

  // TF32: float inputs, tensor cores with 10-bit mantissas.
  CudaBuffer<float> fa(Af), fb(Bf), fc(size_t(M * N));
  cuda::GemmCall tf;
  tf.gemm = g;
  tf.a = fa.get();
  tf.b = fb.get();
  tf.c = fc.get();
  cuda::set_allow_tf32(true);
  CHECK(cuda::allow_tf32());
  cuda::gemm(tf);
  cuda::set_allow_tf32(false);
  check_rows(g, fc.host(), reference(g, to_double(Af), to_double(Bf)), 1e-2);
}

TEST_CASE("cuda gemm: int8 x int8 -> int32 through IMMA is exact") {
  TRIT_REQUIRE_GPU();
  const int64_t T = 5, rows = 12, K = 64, ldx = 80, ldw = 68, ldy = 16;
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> x(size_t(T * ldx)), w(size_t(rows * ldw));
  for (auto& v : x) v = int8_t(d(rng));
  for (auto& v : w) v = int8_t(d(rng));
  CudaBuffer<int8_t> dx(x), dw(w);
  CudaBuffer<int32_t> dy(size_t(T * ldy));
  cuda::gemm_i8_i32(dx.get(), T, ldx, dw.get(), rows, ldw, K, dy.get(), ldy);
  const auto y = dy.host();
  for (int64_t t = 0; t < T; ++t) {
    for (int64_t r = 0; r < rows; ++r) {
      int32_t want = 0;
      for (int64_t j = 0; j < K; ++j) want += int32_t(x[size_t(t * ldx + j)]) * w[size_t(r * ldw + j)];
      CHECK(y[size_t(t * ldy + r)] == want);
    }
  }
  CHECK(cuda::gemm_algo_count(cuda::i8_i32_call(dx.get(), T, ldx, dw.get(), rows, ldw, K, dy.get(), ldy)) >= 1);
}
#endif

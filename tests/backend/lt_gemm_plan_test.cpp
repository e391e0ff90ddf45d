// Tests lt_gemm_plan.cpp: a plan, executed with an emulated column-major cuBLASLt GEMM on host
// memory, gives exactly what the CPU matmul gives, through transposed views, broadcast and
// permuted batch dims; and the plan uses as few calls as the rules promise.
#include <catch2/catch.hpp>

#include <vector>

#include "trit/backend/lt_gemm_plan.h"
#include "trit/core/rng.h"
#include "trit/core/tensor.h"
#include "trit/ops/matmul.h"
#include "trit/ops/view.h"

using namespace trit;

namespace {

// What cublasLtMatmul computes for one problem (alpha 1, beta 0), in double.
void lt_reference(const lt::LtProblem& p, const float* A, const float* B, float* D) {
  auto at = [](const float* X, const lt::LtLayout& l, bool trans, int64_t i, int64_t j) {
    return trans ? X[j + i * l.ld] : X[i + j * l.ld];  // op(X)(i, j)
  };
  for (int64_t j = 0; j < p.n; ++j) {
    for (int64_t i = 0; i < p.m; ++i) {
      double s = 0;
      for (int64_t l = 0; l < p.k; ++l) s += double(at(A, p.a, p.trans_a, i, l)) * double(at(B, p.b, p.trans_b, l, j));
      D[i + j * p.d.ld] = float(s);
    }
  }
}

// The CUDA path's steps on CPU tensors: expand to the broadcast batch, read the last two dims
// without a copy when possible, plan, run every call with the emulated cuBLASLt.
Tensor planned_matmul(const Tensor& a_in, const Tensor& b_in, size_t* n_calls = nullptr) {
  const int64_t M = a_in.size(-2), K = a_in.size(-1), N = b_in.size(-1);
  const Shape batch = broadcast_shapes(Shape(a_in.shape().begin(), a_in.shape().end() - 2),
                                       Shape(b_in.shape().begin(), b_in.shape().end() - 2), "test");
  Shape af = batch, bf = batch, of = batch;
  af.insert(af.end(), {M, K});
  bf.insert(bf.end(), {K, N});
  of.insert(of.end(), {M, N});
  Tensor a = expand(a_in, af), b = expand(b_in, bf);
  lt::RowMajorGemm g{M, N, K, false, false, 0, 0, std::max<int64_t>(N, 1)};
  const size_t nb = batch.size();
  if (!lt::matrix_layout(M, K, a.strides()[nb], a.strides()[nb + 1], g.trans_a, g.lda)) a = contiguous(a);
  REQUIRE(lt::matrix_layout(M, K, a.strides()[nb], a.strides()[nb + 1], g.trans_a, g.lda));
  if (!lt::matrix_layout(K, N, b.strides()[nb], b.strides()[nb + 1], g.trans_b, g.ldb)) b = contiguous(b);
  REQUIRE(lt::matrix_layout(K, N, b.strides()[nb], b.strides()[nb + 1], g.trans_b, g.ldb));
  const lt::MatmulPlan plan = lt::plan_matmul(batch, Strides(a.strides().begin(), a.strides().begin() + long(nb)),
                                              Strides(b.strides().begin(), b.strides().begin() + long(nb)), g);
  Tensor out = Tensor::zeros(of);
  const lt::LtProblem p = lt::to_column_major(plan.gemm);
  for (const lt::BatchCall& c : plan.calls) {
    for (int64_t i = 0; i < c.count; ++i) {
      // cuBLASLt's A is our B and its B is our A.
      lt_reference(p, b.data<float>() + c.offset_b + i * c.stride_b, a.data<float>() + c.offset_a + i * c.stride_a,
                   out.data<float>() + c.offset_c + i * c.stride_c);
    }
  }
  if (n_calls) *n_calls = plan.calls.size();
  return out;
}

void check_close(const Tensor& got, const Tensor& want) {
  REQUIRE(got.shape() == want.shape());
  const auto g = got.to_vector<float>(), w = want.to_vector<float>();
  for (size_t i = 0; i < g.size(); ++i) CHECK(g[i] == Approx(w[i]).epsilon(1e-5).margin(1e-5));
}

}  // namespace

TEST_CASE("column-major mapping swaps operands and keeps transpose flags") {
  const lt::LtProblem p = lt::to_column_major({3, 5, 7, true, false, 4, 9, 5});
  CHECK(p.m == 5);
  CHECK(p.n == 3);
  CHECK(p.k == 7);
  CHECK(p.trans_a == false);  // our B, not transposed: N x K column-major, ld = ldb
  CHECK(p.a.rows == 5);
  CHECK(p.a.cols == 7);
  CHECK(p.a.ld == 9);
  CHECK(p.trans_b == true);  // our A, transposed: stored K x M row-major = M x K column-major
  CHECK(p.b.rows == 3);
  CHECK(p.b.cols == 7);
  CHECK(p.b.ld == 4);
  CHECK(p.d.rows == 5);
  CHECK(p.d.cols == 3);
  CHECK(p.d.ld == 5);
}

TEST_CASE("matrix_layout reads row- and column-contiguous matrices, rejects the rest") {
  bool trans = true;
  int64_t ld = 0;
  CHECK(lt::matrix_layout(3, 4, 6, 1, trans, ld));
  CHECK((!trans && ld == 6));
  CHECK(lt::matrix_layout(3, 4, 1, 5, trans, ld));
  CHECK((trans && ld == 5));
  CHECK_FALSE(lt::matrix_layout(3, 4, 8, 2, trans, ld));
}

TEST_CASE("planned GEMMs equal the CPU matmul for 2-D operands in every transpose combination") {
  Generator gen(7);
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      Tensor a = ta ? transpose(Tensor::randn({5, 3}, gen), 0, 1) : Tensor::randn({3, 5}, gen);
      Tensor b = tb ? transpose(Tensor::randn({4, 5}, gen), 0, 1) : Tensor::randn({5, 4}, gen);
      size_t calls = 0;
      check_close(planned_matmul(a, b, &calls), matmul(a, b));
      CHECK(calls == 1);
    }
  }
  // A row-strided view (ld > cols).
  Tensor wide = Tensor::randn({3, 9}, gen);
  Tensor b = Tensor::randn({4, 6}, gen);
  check_close(planned_matmul(narrow(wide, 1, 2, 4), b), matmul(narrow(wide, 1, 2, 4), b));
}

TEST_CASE("a shared right operand folds the batch into M: one GEMM") {
  Generator gen(8);
  Tensor x = Tensor::randn({2, 3, 5, 6}, gen);
  Tensor w = Tensor::randn({6, 4}, gen);
  size_t calls = 0;
  check_close(planned_matmul(x, w, &calls), matmul(x, w));
  CHECK(calls == 1);
  // linear's x @ Wᵀ: the weight is a transposed view.
  Tensor wt = transpose(Tensor::randn({4, 6}, gen), 0, 1);
  check_close(planned_matmul(x, wt, &calls), matmul(x, wt));
  CHECK(calls == 1);
}

TEST_CASE("batched operands become one strided batch, what cannot be is looped") {
  Generator gen(9);
  size_t calls = 0;
  Tensor a = Tensor::randn({2, 3, 4, 5}, gen), b = Tensor::randn({2, 3, 5, 2}, gen);
  check_close(planned_matmul(a, b, &calls), matmul(a, b));
  CHECK(calls == 1);
  // Attention-style permuted batch dims [B, H, T, D] from [B, T, H, D]: strides do not chain.
  Tensor q = permute(Tensor::randn({2, 4, 3, 5}, gen), {0, 2, 1, 3});
  Tensor k = permute(Tensor::randn({2, 4, 3, 5}, gen), {0, 2, 3, 1});
  check_close(planned_matmul(q, k, &calls), matmul(q, k));
  CHECK(calls == 2);
  // A broadcast left operand with a batched right one: looped, one call per batch index.
  Tensor a2 = Tensor::randn({4, 5}, gen);
  Tensor b2 = Tensor::randn({3, 5, 2}, gen);
  check_close(planned_matmul(a2, b2, &calls), matmul(a2, b2));
  CHECK(calls == 3);
  // Broadcast in an outer dim only: inner dim batched, outer looped.
  Tensor a3 = Tensor::randn({1, 3, 4, 5}, gen), b3 = Tensor::randn({2, 3, 5, 2}, gen);
  check_close(planned_matmul(a3, b3, &calls), matmul(a3, b3));
  CHECK(calls == 2);
}

TEST_CASE("empty problems plan no calls, bad strides are an error") {
  const lt::RowMajorGemm g{0, 4, 5, false, false, 5, 4, 4};
  CHECK(lt::plan_matmul({3}, {20}, {20}, g).calls.empty());
  CHECK(lt::plan_matmul({0}, {20}, {20}, {2, 4, 5, false, false, 5, 4, 4}).calls.empty());
  CHECK_THROWS_WITH(lt::plan_matmul({3, 2}, {20}, {20, 1}, g), Catch::Contains("strides"));
}

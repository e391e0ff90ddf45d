// Which GEMM should trit's CPU matmul call? OpenBLAS (cblas_sgemm) against Eigen's GEMM on the
// shapes a small BitNet training step produces (B*T rows of activations times weights, and the
// two backward products), at 1 and 2 threads, in one run. Prints GFLOP/s and the ratio.
//   bench_gemm [--reps N]
#include <cblas.h>
#include <omp.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Shape {
  const char* what;
  int M, N, K;
};

template <typename F>
double median_seconds(int reps, F&& f) {
  f();  // warm-up
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto a = Clock::now();
    f();
    t.push_back(std::chrono::duration<double>(Clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 20;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--reps") reps = std::stoi(argv[i + 1]);
  // B*T = 16*256 tokens of a d=256 model with FFN 768 and a 256-byte vocabulary.
  const std::vector<Shape> shapes = {
      {"qkvo fwd   x[4096,256] W^T[256,256]", 4096, 256, 256},
      {"ffn up fwd x[4096,256] W^T[256,768]", 4096, 768, 256},
      {"ffn down   x[4096,768] W^T[768,256]", 4096, 256, 768},
      {"head fwd   x[4096,256] E^T[256,256]", 4096, 256, 256},
      {"dW = dY^T X [768,4096]x[4096,256]  ", 768, 256, 4096},
      {"attn QK^T  [256,64]x[64,256]       ", 256, 256, 64},
  };
  std::printf("%-40s %7s %12s %12s %8s\n", "shape (M,N,K)", "threads", "openblas", "eigen", "ratio");
  for (int threads : {1, 2}) {
    openblas_set_num_threads(threads);
    omp_set_num_threads(threads);
    Eigen::setNbThreads(threads);
    for (const Shape& s : shapes) {
      RowMatrix A = RowMatrix::Random(s.M, s.K), B = RowMatrix::Random(s.K, s.N), C(s.M, s.N);
      const double flops = 2.0 * s.M * s.N * s.K;
      const double t_blas = median_seconds(reps, [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s.M, s.N, s.K, 1.0f, A.data(), s.K, B.data(), s.N,
                    0.0f, C.data(), s.N);
      });
      const double t_eigen = median_seconds(reps, [&] { C.noalias() = A * B; });
      std::printf("%-40s %7d %9.1f GF %9.1f GF %7.2fx\n", s.what, threads, flops / t_blas * 1e-9,
                  flops / t_eigen * 1e-9, t_eigen / t_blas);
    }
  }
  return 0;
}

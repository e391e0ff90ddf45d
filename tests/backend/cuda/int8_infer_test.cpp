// Tests int8_infer.cu against the CPU: the quantizer gives the CPU runtime's bytes, scales and
// sums; the 2-bit GEMV and the IMMA GEMM + dequantizer give the CPU reference of
// gpu_ternary_layout.h bit for bit (which equals the runtime's ternary_matmul, tested on the CPU).
// Argument checks run without a GPU.
#if TRIT_HAVE_CUDA
#include "trit/backend/cuda/int8_infer.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "support/cuda.h"
#include "support/cuda_buffer.h"
#include "trit/backend/cuda/gemm_lt.h"
#include "trit/runtime/activation_quant.h"
#include "trit/runtime/gpu_ternary_layout.h"

using namespace trit;
using trit::test::CudaBuffer;
namespace g2 = trit::runtime::gpu;

namespace {

std::vector<float> random_floats(size_t n, uint32_t seed, float sd) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, sd);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

std::vector<int8_t> random_ternary(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-1, 1);
  std::vector<int8_t> w(n);
  for (auto& v : w) v = int8_t(d(rng));
  return w;
}

void check_same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    uint32_t x, y;
    std::memcpy(&x, &a[i], 4);
    std::memcpy(&y, &b[i], 4);
    CHECK(x == y);
  }
}

// Host-side activations quantized by the CPU runtime, laid out for the GPU kernels.
struct HostActivations {
  std::vector<int8_t> q;
  std::vector<float> scale;
  std::vector<int32_t> sum;
};

HostActivations cpu_quantize(const std::vector<float>& x, size_t n_tokens, size_t cols, size_t stride) {
  HostActivations h{std::vector<int8_t>(n_tokens * stride), std::vector<float>(n_tokens),
                    std::vector<int32_t>(n_tokens)};
  runtime::quantize_activations(x.data(), n_tokens, cols, cols, h.q.data(), stride, h.scale.data(), h.sum.data(),
                                runtime::CpuLevel::scalar);
  return h;
}

}  // namespace

TEST_CASE("cuda int8 kernels: bad strides are errors before any device work") {
  int8_t* none = nullptr;
  CHECK_THROWS_WITH(cuda::ternary_gemv(nullptr, 4, 600, 1.0f, none, 1, 1000, nullptr, nullptr, nullptr, 4),
                    Catch::Contains("multiple of 16") && Catch::Contains("1024"));
  CHECK_THROWS_WITH(cuda::ternary_gemv(nullptr, 4, 600, 1.0f, none, 1, 1024, nullptr, nullptr, nullptr, 3),
                    Catch::Contains("output stride 3"));
  CHECK_THROWS_WITH(cuda::quantize_activations(nullptr, 2, 100, 50, none, 128, nullptr, nullptr, nullptr),
                    Catch::Contains("input stride 50"));
  CHECK_THROWS_WITH(cuda::dequantize_i32(nullptr, 8, 1, 10, nullptr, 1.0f, nullptr, 10), Catch::Contains("< rows 10"));
}

TEST_CASE("cuda quantize_activations: the CPU runtime's bytes, scales and sums") {
  TRIT_REQUIRE_GPU();
  const size_t n_tokens = 5, cols = 1000, x_stride = 1003, q_stride = 1024;
  auto x = random_floats(n_tokens * x_stride, 1, 3.0f);
  for (size_t j = 0; j < x_stride; ++j) x[1 * x_stride + j] = 0.0f;  // all zero: scale from 1e-5
  x[2 * x_stride + 7] = 1e30f;                                     // one huge value
  x[3 * x_stride + 0] = 0.5f / 127.0f * 3.0f;                       // values near ties
  std::vector<int8_t> q_cpu(n_tokens * q_stride);
  std::vector<float> s_cpu(n_tokens);
  std::vector<int32_t> sum_cpu(n_tokens);
  runtime::quantize_activations(x.data(), n_tokens, cols, x_stride, q_cpu.data(), q_stride, s_cpu.data(),
                                sum_cpu.data(), runtime::CpuLevel::scalar);
  CudaBuffer<float> dx(x);
  CudaBuffer<int8_t> dq(std::vector<int8_t>(n_tokens * q_stride, 99));  // padding must be overwritten
  CudaBuffer<float> ds(n_tokens);
  CudaBuffer<int32_t> dsum(n_tokens), status(1);
  cuda::quantize_activations(dx.get(), int64_t(n_tokens), int64_t(cols), int64_t(x_stride), dq.get(),
                             int64_t(q_stride), ds.get(), dsum.get(), status.get());
  CHECK_NOTHROW(cuda::check_quantize_status(status.get()));
  CHECK(dq.host() == q_cpu);
  check_same_bits(ds.host(), s_cpu);
  CHECK(dsum.host() == sum_cpu);
}

TEST_CASE("cuda quantize_activations: inf or NaN names the token") {
  TRIT_REQUIRE_GPU();
  auto x = random_floats(4 * 64, 2, 1.0f);
  x[2 * 64 + 5] = std::numeric_limits<float>::quiet_NaN();
  CudaBuffer<float> dx(x);
  CudaBuffer<int8_t> dq(4 * 512);
  CudaBuffer<float> ds(4);
  CudaBuffer<int32_t> dsum(4), status(1);
  cuda::quantize_activations(dx.get(), 4, 64, 64, dq.get(), 512, ds.get(), dsum.get(), status.get());
  CHECK_THROWS_WITH(cuda::check_quantize_status(status.get()), Catch::Contains("token 2"));
}

TEST_CASE("cuda ternary_gemv: the CPU reference bit for bit on ragged shapes") {
  TRIT_REQUIRE_GPU();
  struct Shape {
    size_t rows, cols, tokens;
  };
  for (const Shape& s : {Shape{1, 100, 1}, Shape{7, 512, 2}, Shape{33, 1500, 1}, Shape{2049, 2048, 1},
                         Shape{300, 5632, 3}, Shape{64, 1024, 4}, Shape{65, 2560, 6}}) {
    const size_t stride = g2::cols_padded(s.cols);
    const auto w = random_ternary(s.rows * s.cols, uint32_t(s.rows + s.cols));
    const auto codes = g2::pack_g2(w.data(), s.rows, s.cols);
    const auto x = random_floats(s.tokens * s.cols, uint32_t(s.cols), 1.5f);
    const HostActivations h = cpu_quantize(x, s.tokens, s.cols, stride);
    const float sw = 0.37f;
    std::vector<float> want(s.tokens * s.rows);
    g2::gemv_reference(codes.data(), s.rows, s.cols, sw, h.q.data(), s.tokens, stride, h.scale.data(), h.sum.data(),
                       want.data(), s.rows);
    CudaBuffer<uint8_t> dcodes(codes);
    CudaBuffer<int8_t> dq(h.q);
    CudaBuffer<float> ds(h.scale), dy(s.tokens * s.rows);
    CudaBuffer<int32_t> dsum(h.sum);
    cuda::ternary_gemv(dcodes.get(), int64_t(s.rows), int64_t(s.cols), sw, dq.get(), int64_t(s.tokens),
                       int64_t(stride), ds.get(), dsum.get(), dy.get(), int64_t(s.rows));
    check_same_bits(dy.host(), want);
  }
}

TEST_CASE("cuda int8 GEMM + dequantize: the same floats as the GEMV reference") {
  TRIT_REQUIRE_GPU();
  const size_t rows = 96, cols = 1100, tokens = 37, stride = g2::cols_padded(cols), ldy = 96;
  const auto w = random_ternary(rows * cols, 3);
  const auto w8 = g2::int8_padded(w.data(), rows, cols);
  const auto x = random_floats(tokens * cols, 4, 0.8f);
  // The GPU quantizer feeds the GEMM, as in the runtime; its output is checked above.
  CudaBuffer<float> dx(x);
  CudaBuffer<int8_t> dq(tokens * stride), dw(w8);
  CudaBuffer<float> ds(tokens), dy(tokens * rows);
  CudaBuffer<int32_t> dsum(tokens), status(1), dacc(tokens * ldy);
  cuda::quantize_activations(dx.get(), int64_t(tokens), int64_t(cols), int64_t(cols), dq.get(), int64_t(stride),
                             ds.get(), dsum.get(), status.get());
  cuda::gemm_i8_i32(dq.get(), int64_t(tokens), int64_t(stride), dw.get(), int64_t(rows), int64_t(stride),
                    int64_t(stride), dacc.get(), int64_t(ldy));
  cuda::dequantize_i32(dacc.get(), int64_t(ldy), int64_t(tokens), int64_t(rows), ds.get(), 0.61f, dy.get(),
                       int64_t(rows));
  cuda::check_quantize_status(status.get());

  const HostActivations h = cpu_quantize(x, tokens, cols, stride);
  const auto codes = g2::pack_g2(w.data(), rows, cols);
  std::vector<float> want(tokens * rows);
  g2::gemv_reference(codes.data(), rows, cols, 0.61f, h.q.data(), tokens, stride, h.scale.data(), h.sum.data(),
                     want.data(), rows);
  check_same_bits(dy.host(), want);
}
#endif

#pragma once
// One weight matrix of a GGUF decoder, W [rows = outputs, cols = inputs] (GGUF ne = [cols, rows]),
// held in the form its kernel wants, built once at load:
//   ternary  trit's packed 2-bit layout (ternary_pack.h) with a per-tensor scale sw; products
//            use int8 activations (activation_quant.h) and the ternary GEMV/GEMM kernels.
//   dense    float32 rows (dequantized from any supported type); products through BLAS.
// The bitnet architecture takes the ternary form whenever the file's values are ternary up to
// one per-tensor scale:
//   TQ2_0 / TQ1_0 with a `<name>.scale` f32 [1] tensor: blocks hold d = 1 (or 0 for an
//     all-zero block) and the scale is the multiplier 1/sw (trit-convert's contract);
//   TQ2_0 / TQ1_0 without it: every non-zero block d is the same 1/sw (fp16), as the HF
//     converter + llama-quantize give;
//   any other type whose dequantized values all lie in {-a, 0, a}: sw = 1/a (exact).
// Anything else (per-block ternary scales, Q4_0 of ternary values, a llama-arch model) is dense.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "trit/core/device.h"
#include "trit/formats/gguf_reader.h"
#include "trit/formats/quant_type.h"
#include "trit/runtime/activation_quant.h"
#include "trit/runtime/ternary_offload.h"
#include "trit/runtime/ternary_pack.h"
#include "trit/runtime/thread_pool.h"

namespace trit::runtime {

class LinearWeights {
 public:
  LinearWeights() = default;
  // Loads tensor `name` (and `name` minus ".weight" plus ".scale" when present), checking its
  // shape is [cols, rows]; `allow_ternary` is true for the bitnet architecture.
  static LinearWeights load(const formats::GgufReader& reader, const std::string& name, int64_t rows,
                            int64_t cols, bool allow_ternary);
  // The same from raw tensor data of `type` (rows x cols, row-major): a tensor or a slab of
  // one (a TriX tile). `multiplier` is the `.scale` value; `where` names the data in errors.
  static LinearWeights from_data(QuantType type, const uint8_t* data, size_t n_bytes, int64_t rows, int64_t cols,
                                 bool allow_ternary, std::optional<float> multiplier, const std::string& where);
  // Already packed ternary weights (tests and benchmarks build layers without a file).
  static LinearWeights from_packed(PackedTernary packed);

  bool ternary() const { return ternary_; }
  size_t rows() const { return rows_; }
  size_t cols() const { return cols_; }
  size_t size_bytes() const;
  // The kernel's view of the packed weights, sw included (ternary only).
  TernaryWeightsView ternary_view() const;
  const float* dense() const { return dense_.data(); }

  // y[t * y_stride + r] = W[r] · x[t] for t < x.n_tokens (ternary: BitLinear's
  // float(dot) / (sx * sw)).
  void forward(const Int8ActivationsView& x, float* y, size_t y_stride, ThreadPool* pool) const;
  // Ternary only: from now on the int8 forward runs on a copy of the weights on `device`
  // (ternary_offload.h; same results bit for bit). The CPU copy stays for ternary_view().
  void offload(Device device);
  bool offloaded() const { return offload_ != nullptr; }
  size_t device_bytes() const { return offload_ ? offload_->device_bytes() : 0; }
  // Dense only: y = x Wᵀ for n rows of x (row stride x_stride).
  void forward(const float* x, size_t n, size_t x_stride, float* y, size_t y_stride, ThreadPool* pool) const;

 private:
  bool ternary_ = false;
  size_t rows_ = 0, cols_ = 0;
  PackedTernary packed_;
  float sw_ = 1.0f;
  std::vector<float> dense_;
  std::shared_ptr<const TernaryOffload> offload_;
};

// A tensor's values as float32 (any supported type), checking its shape is `ne` (GGUF order);
// errors name the file and the tensor.
std::vector<float> read_float_tensor(const formats::GgufReader& reader, const std::string& name,
                                     const std::vector<int64_t>& ne);

// y = x Wᵀ for a float32 W [rows, cols]: output rows split over the pool, each slice one BLAS
// call. The runtime runs OpenBLAS single-threaded (RuntimeModel sets it) so that its threads
// do not compete with the pool's.
void dense_matmul(const float* w, size_t rows, size_t cols, const float* x, size_t n, size_t x_stride, float* y,
                  size_t y_stride, ThreadPool* pool);

}  // namespace trit::runtime

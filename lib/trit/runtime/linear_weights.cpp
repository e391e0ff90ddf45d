#include "trit/runtime/linear_weights.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include "trit/core/error.h"
#include "trit/core/half.h"
#include "trit/formats/quant_type.h"
#include "trit/runtime/ternary_matmul.h"

namespace trit::runtime {
namespace {

// The d of every block of a TQ tensor: the common non-zero value, or nullopt when blocks
// disagree (per-block scales) or a d is not finite and positive. 0 when every block is zero.
std::optional<float> common_block_scale(const uint8_t* data, size_t n_blocks, size_t block_bytes) {
  uint16_t common = 0;
  for (size_t b = 0; b < n_blocks; ++b) {
    uint16_t bits;
    std::memcpy(&bits, data + b * block_bytes + block_bytes - 2, 2);
    if ((bits & 0x7fff) == 0) continue;
    if (common == 0) common = bits;
    if (bits != common) return std::nullopt;
  }
  const float d = f16_to_float(common);
  if (!std::isfinite(d) || d < 0) return std::nullopt;
  return d;
}

// The scale a if every value is -a, 0 or a (a > 0), else nullopt.
std::optional<float> ternary_magnitude(const std::vector<float>& w) {
  float a = 0;
  for (float v : w) {
    const float m = std::fabs(v);
    if (m == 0) continue;
    if (a == 0) a = m;
    if (m != a || !std::isfinite(m)) return std::nullopt;
  }
  if (a == 0) return std::nullopt;
  return a;
}

}  // namespace

LinearWeights LinearWeights::load(const formats::GgufReader& reader, const std::string& name, int64_t rows,
                                  int64_t cols, bool allow_ternary) {
  const std::string file = reader.path().string();
  const formats::GgufTensorInfo& info = reader.tensor(name);
  TRIT_CHECK(info.shape.size() == 2 && info.shape[0] == cols && info.shape[1] == rows, file, ": tensor ", name,
             " must have shape [", cols, ", ", rows, "] (ne order)");
  const QuantType type = quant_type_from_ggml(int32_t(info.type));
  const auto bytes = reader.tensor_data(info);

  // The optional f32 [1] multiplier (llama.cpp's bitnet `.scale` tensors).
  std::optional<float> multiplier;
  const std::string base = name.size() > 7 && name.ends_with(".weight") ? name.substr(0, name.size() - 7) : name;
  if (const formats::GgufTensorInfo* s = reader.find_tensor(base + ".scale")) {
    TRIT_CHECK(s->type == uint32_t(ggml_type_id(QuantType::F32)) && s->shape.size() == 1 && s->shape[0] == 1, file,
               ": tensor ", s->name, " must be f32 of shape [1]");
    float v;
    std::memcpy(&v, reader.tensor_data(*s).data(), 4);
    TRIT_CHECK(std::isfinite(v) && v > 0, file, ": tensor ", s->name, " holds ", v,
               "; expected a finite positive weight scale 1/sw");
    multiplier = v;
  }
  return from_data(type, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), rows, cols, allow_ternary,
                   multiplier, file + ": tensor " + name);
}

LinearWeights LinearWeights::from_data(QuantType type, const uint8_t* data, size_t n_bytes, int64_t rows,
                                       int64_t cols, bool allow_ternary, std::optional<float> multiplier,
                                       const std::string& where) {
  TRIT_CHECK(n_bytes == size_t(rows) * row_size(type, cols), where, ": ", rows, " x ", cols, " ", quant_name(type),
             " needs ", size_t(rows) * row_size(type, cols), " bytes, got ", n_bytes);
  LinearWeights out;
  out.rows_ = size_t(rows);
  out.cols_ = size_t(cols);
  const bool tq = type == QuantType::TQ2_0 || type == QuantType::TQ1_0;
  if (allow_ternary && tq) {
    const size_t block_bytes = quant_type_size(type);
    const auto d = common_block_scale(data, n_bytes / block_bytes, block_bytes);
    if (d && (!multiplier || *d == 1.0f || *d == 0.0f)) {
      try {
        out.packed_ = type == QuantType::TQ2_0 ? repack_from_tq2_0(data, n_bytes, out.rows_, out.cols_)
                                               : repack_from_tq1_0(data, n_bytes, out.rows_, out.cols_);
      } catch (const Error& e) {
        fail(where, ": ", e.what());
      }
      out.ternary_ = true;
      out.sw_ = multiplier ? 1.0f / *multiplier : out.packed_.sw();
      return out;
    }
  }
  std::vector<float> w(out.rows_ * out.cols_);
  dequantize_rows(type, data, rows, cols, w.data(), 1);
  if (multiplier) {
    for (float& v : w) v *= *multiplier;
  }
  if (allow_ternary && !multiplier) {
    if (const auto a = ternary_magnitude(w)) {
      std::vector<int8_t> q(w.size());
      for (size_t i = 0; i < w.size(); ++i) q[i] = int8_t(w[i] > 0 ? 1 : (w[i] < 0 ? -1 : 0));
      out.packed_ = repack_from_ternary(q.data(), out.rows_, out.cols_, 1.0f / *a);
      out.ternary_ = true;
      out.sw_ = 1.0f / *a;
      return out;
    }
  }
  out.dense_ = std::move(w);
  return out;
}

LinearWeights LinearWeights::from_packed(PackedTernary packed) {
  LinearWeights out;
  out.ternary_ = true;
  out.rows_ = packed.rows();
  out.cols_ = packed.cols();
  out.sw_ = packed.sw();
  out.packed_ = std::move(packed);
  return out;
}

size_t LinearWeights::size_bytes() const {
  return ternary_ ? packed_.size_bytes() : dense_.size() * sizeof(float);
}

TernaryWeightsView LinearWeights::ternary_view() const {
  TernaryWeightsView v = packed_.view();
  v.sw = sw_;
  return v;
}

void LinearWeights::forward(const Int8ActivationsView& x, float* y, size_t y_stride, ThreadPool* pool) const {
  TRIT_CHECK(ternary_, "LinearWeights: int8 input given to a dense weight");
  if (offload_) {
    offload_->forward(x, y, y_stride);
    return;
  }
  ternary_matmul(ternary_view(), x, y, y_stride, pool);
}

void LinearWeights::offload(Device device) {
  TRIT_CHECK(ternary_, "LinearWeights: only ternary weights run on ", device.str());
  offload_ = make_ternary_offload(ternary_view(), device);
}

void LinearWeights::forward(const float* x, size_t n, size_t x_stride, float* y, size_t y_stride,
                            ThreadPool* pool) const {
  TRIT_CHECK(!ternary_, "LinearWeights: float input given to a ternary weight");
  dense_matmul(dense_.data(), rows_, cols_, x, n, x_stride, y, y_stride, pool);
}

std::vector<float> read_float_tensor(const formats::GgufReader& reader, const std::string& name,
                                     const std::vector<int64_t>& ne) {
  const formats::GgufTensorInfo& info = reader.tensor(name);
  if (info.shape != ne) {
    std::string want;
    for (int64_t n : ne) want += (want.empty() ? "" : ", ") + std::to_string(n);
    fail(reader.path().string(), ": tensor ", name, " must have shape [", want, "] (ne order)");
  }
  int64_t rows = 1;
  for (size_t i = 1; i < ne.size(); ++i) rows *= ne[i];
  std::vector<float> out(size_t(rows * ne[0]));
  const auto bytes = reader.tensor_data(info);
  dequantize_rows(quant_type_from_ggml(int32_t(info.type)), reinterpret_cast<const uint8_t*>(bytes.data()), rows,
                  ne[0], out.data(), 1);
  return out;
}

void dense_matmul(const float* w, size_t rows, size_t cols, const float* x, size_t n, size_t x_stride, float* y,
                  size_t y_stride, ThreadPool* pool) {
  // Output rows in blocks of 64 over the pool; each block one single-threaded BLAS call.
  constexpr size_t kBlock = 64;
  const size_t n_blocks = (rows + kBlock - 1) / kBlock;
  auto run = [&](size_t b, size_t e, size_t) {
    const size_t r0 = b * kBlock, r1 = std::min(rows, e * kBlock);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(n), int(r1 - r0), int(cols), 1.0f, x, int(x_stride),
                w + r0 * cols, int(cols), 0.0f, y + r0, int(y_stride));
  };
  if (pool == nullptr || n_blocks < 2) {
    run(0, n_blocks, 0);
  } else {
    pool->parallel_for(0, n_blocks, run);
  }
}

}  // namespace trit::runtime

#include "trit/runtime/runtime_model.h"

#include <cblas.h>
#include <omp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "trit/core/accelerator.h"
#include "trit/core/error.h"
#include "trit/formats/quant_type.h"
#include "trit/runtime/gguf_tokenizer.h"

namespace trit::runtime {
namespace {

// Advice for the pages of a tensor's bytes (the range is widened to whole pages).
void advise(std::span<const std::byte> bytes, int advice) {
  if (bytes.empty()) return;
  const auto page = uintptr_t(sysconf(_SC_PAGESIZE));
  const uintptr_t begin = uintptr_t(bytes.data()) / page * page;
  const uintptr_t end = uintptr_t(bytes.data()) + bytes.size();
  madvise(reinterpret_cast<void*>(begin), end - begin, advice);  // a hint: failure is harmless
}

std::vector<float> load_floats(const formats::GgufReader& reader, const std::string& name, int64_t rows,
                               int64_t cols) {
  const formats::GgufTensorInfo& info = reader.tensor(name);
  const bool vector = rows == 1;
  TRIT_CHECK(vector ? (info.shape.size() == 1 && info.shape[0] == cols)
                    : (info.shape.size() == 2 && info.shape[0] == cols && info.shape[1] == rows),
             reader.path().string(), ": tensor ", name, " must have shape [", cols, vector ? "" : ", ",
             vector ? "" : std::to_string(rows), "]");
  std::vector<float> out(size_t(rows * cols));
  const auto bytes = reader.tensor_data(info);
  dequantize_rows(quant_type_from_ggml(int32_t(info.type)), reinterpret_cast<const uint8_t*>(bytes.data()), rows,
                  cols, out.data(), 1);
  return out;
}

}  // namespace

RuntimeModel::RuntimeModel(const std::filesystem::path& path, const RuntimeOptions& options)
    : pool_(options.n_threads) {
  // A device that cannot be used fails before the (long) load.
  if (options.device.is_cuda()) require_cuda("runtime device " + options.device.str());
  // Dense products run inside the pool (dense_matmul), one BLAS thread each. OpenBLAS's OpenMP
  // build takes its thread count from the calling thread's OpenMP setting, so that is set to 1
  // here and in every pool thread: otherwise each small sgemm wakes an OpenMP team whose
  // spinning threads fight the pool (generation ran at 112 instead of 204 tokens/s on 2 threads).
  openblas_set_num_threads(1);
  omp_set_num_threads(1);
  formats::GgufReader reader(path);
  for (const auto& t : reader.tensors()) advise(reader.tensor_data(t), MADV_WILLNEED | MADV_SEQUENTIAL);
  hp_ = read_hparams(reader);
  tokenizer_ = tokenizer_from_gguf(reader);
  const std::string file = path.string();
  n_ctx_ = options.n_ctx ? options.n_ctx : size_t(hp_.n_ctx);
  max_batch_ = std::max<size_t>(1, std::min(options.max_batch, n_ctx_));
  TRIT_CHECK(size_t(hp_.head_dim()) <= kMaxHeadDim, file, ": head dim ", hp_.head_dim(), " exceeds ", kMaxHeadDim);
  const bool bitnet = hp_.bitlinear();
  const bool trix = hp_.arch == ModelArch::trix;
  const int64_t d = hp_.d_model, dkv = hp_.d_kv(), ff = hp_.d_ff;
  const TileFfnShape tile_shape{size_t(d), size_t(ff), size_t(hp_.n_tiles), hp_.relu2, hp_.norm_eps};

  tok_embd_ = load_floats(reader, "token_embd.weight", hp_.n_vocab, d);
  output_norm_ = load_floats(reader, "output_norm.weight", 1, d);
  if (reader.find_tensor("output.weight")) {
    TRIT_CHECK(!bitnet, file, ": the ", hp_.arch_name(), " architecture has no output.weight (its head is tied)");
    output_ = LinearWeights::load(reader, "output.weight", hp_.n_vocab, d, false);
    tied_ = false;
  }
  attn_shape_ = {size_t(hp_.n_heads), size_t(hp_.n_kv_heads), size_t(hp_.head_dim()), n_ctx_};
  layers_.resize(size_t(hp_.n_layers));
  // Layers are repacked in parallel (each reads its own tensors from the map).
  pool_.parallel_for(0, layers_.size(), [&](size_t begin, size_t end, size_t) {
    for (size_t i = begin; i < end; ++i) {
      Layer& l = layers_[i];
      const std::string p = "blk." + std::to_string(i) + ".";
      l.attn_norm = load_floats(reader, p + "attn_norm.weight", 1, d);
      l.ffn_norm = load_floats(reader, p + "ffn_norm.weight", 1, d);
      if (bitnet) l.attn_sub_norm = load_floats(reader, p + "attn_sub_norm.weight", 1, d);
      if (bitnet && !trix) l.ffn_sub_norm = load_floats(reader, p + "ffn_sub_norm.weight", 1, ff);
      l.q = LinearWeights::load(reader, p + "attn_q.weight", d, d, bitnet);
      l.k = LinearWeights::load(reader, p + "attn_k.weight", dkv, d, bitnet);
      l.v = LinearWeights::load(reader, p + "attn_v.weight", dkv, d, bitnet);
      l.o = LinearWeights::load(reader, p + "attn_output.weight", d, d, bitnet);
      if (trix) {
        l.tiles = TileFfnLayer::load(reader, int64_t(i), tile_shape, hp_.router);
      } else {
        l.gate = LinearWeights::load(reader, p + "ffn_gate.weight", ff, d, bitnet);
        l.up = LinearWeights::load(reader, p + "ffn_up.weight", ff, d, bitnet);
        l.down = LinearWeights::load(reader, p + "ffn_down.weight", d, ff, bitnet);
      }
      l.kv.allocate(size_t(hp_.n_kv_heads) * n_ctx_ * size_t(hp_.head_dim()), options.kv_f16);
    }
  });
  rope_ = RopeTable(n_ctx_, size_t(hp_.head_dim()), double(hp_.rope_theta));
  device_ = options.device;
  if (device_.is_cuda()) {
    // After the CPU repack: the device copies are made from the packed weights.
    for (Layer& l : layers_) {
      for (LinearWeights* w : {&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down}) {
        if (w->ternary()) w->offload(device_);
      }
    }
  }

  const size_t B = max_batch_, wide = size_t(std::max(d, ff));
  x_.assign(B * size_t(d), 0);
  xn_ = x_;
  q_ = x_;
  att_ = x_;
  tmp_ = x_;
  k_.assign(B * size_t(dkv), 0);
  v_ = k_;
  gate_.assign(B * size_t(ff), 0);
  up_ = gate_;
  fake_.assign(B * wide, 0);
  logits_.assign(B * size_t(hp_.n_vocab), 0);
  qa_stride_ = (wide + 255) / 256 * 256;
  qa_ = AlignedBuffer<int8_t>(B * qa_stride_);
  qa_scale_.assign(B, 0);
  qa_sum_.assign(B, 0);
  if (trix) tile_scratch_ = TileFfnScratch(B, tile_shape);
}

size_t RuntimeModel::weight_bytes() const {
  size_t n = (tok_embd_.size() + output_norm_.size()) * sizeof(float) + (tied_ ? 0 : output_.size_bytes());
  for (const Layer& l : layers_) {
    n += (l.attn_norm.size() + l.attn_sub_norm.size() + l.ffn_norm.size() + l.ffn_sub_norm.size()) * sizeof(float);
    for (const LinearWeights* w : {&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down}) n += w->size_bytes();
    n += l.tiles.size_bytes();
  }
  return n;
}

size_t RuntimeModel::buffer_bytes() const {
  size_t n = 0;
  for (const auto* b : {&x_, &xn_, &q_, &k_, &v_, &att_, &tmp_, &gate_, &up_, &fake_, &logits_}) n += b->size();
  n *= sizeof(float);
  for (const Layer& l : layers_) n += l.kv.bytes();
  return n + qa_.size() + tile_scratch_.bytes();
}

size_t RuntimeModel::device_bytes() const {
  size_t n = 0;
  for (const Layer& l : layers_) {
    for (const LinearWeights* w : {&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down}) n += w->device_bytes();
  }
  return n;
}

size_t RuntimeModel::n_ternary_layers() const {
  size_t n = 0;
  for (const Layer& l : layers_) {
    for (const LinearWeights* w : {&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down}) n += w->ternary() ? 1 : 0;
    n += 3 * size_t(hp_.n_tiles) * (hp_.arch == ModelArch::trix ? 1 : 0);  // every tile's gate, up, down
  }
  return n;
}

void RuntimeModel::project(std::initializer_list<std::pair<const LinearWeights*, float*>> outputs, const float* x,
                           size_t n, size_t cols) {
  const bool bitnet = hp_.bitlinear();
  if (bitnet) {
    // Per-token int8 activations (BitNet), shared by every projection of this input.
    pool_.parallel_for(0, n, [&](size_t b, size_t e, size_t) {
      quantize_activations(x + b * cols, e - b, cols, cols, qa_.data() + b * qa_stride_, qa_stride_,
                           qa_scale_.data() + b, qa_sum_.data() + b);
    });
  }
  const Int8ActivationsView xq{qa_.data(), n, cols, qa_stride_, qa_scale_.data(), qa_sum_.data()};
  bool fake_ready = false;
  for (const auto& [w, y] : outputs) {
    if (w->ternary()) {
      w->forward(xq, y, w->rows(), &pool_);
      continue;
    }
    const float* in = x;
    if (bitnet) {
      // A bitnet weight that is not ternary: the float product with the dequantized int8
      // activations xq / sx, as the training-side BitLinear computes it.
      if (!fake_ready) {
        for (size_t t = 0; t < n; ++t) {
          for (size_t j = 0; j < cols; ++j) fake_[t * cols + j] = float(qa_[t * qa_stride_ + j]) / qa_scale_[t];
        }
        fake_ready = true;
      }
      in = fake_.data();
    }
    w->forward(in, n, cols, y, w->rows(), &pool_);
  }
}

std::span<const float> RuntimeModel::forward(std::span<const int32_t> tokens, size_t pos, bool all_logits,
                                             size_t n_layers) {
  const size_t n = tokens.size();
  TRIT_CHECK(n >= 1 && n <= max_batch_, "runtime: forward of ", n, " tokens (1..", max_batch_, " per call)");
  const bool draft = n_layers < layers_.size();
  n_layers = std::min(n_layers, layers_.size());
  const size_t cached = draft ? draft_cached_ : n_cached_;
  TRIT_CHECK(pos <= cached, "runtime: position ", pos, " is past the ", cached, " cached positions");
  TRIT_CHECK(pos + n <= n_ctx_, "runtime: positions up to ", pos + n, " exceed the context of ", n_ctx_);
  const bool bitnet = hp_.bitlinear();
  const size_t d = size_t(hp_.d_model), dkv = size_t(hp_.d_kv()), ff = size_t(hp_.d_ff);
  const size_t V = size_t(hp_.n_vocab), H = size_t(hp_.n_heads), Hkv = size_t(hp_.n_kv_heads);
  const size_t D = size_t(hp_.head_dim());
  const float eps = hp_.norm_eps;
  for (size_t t = 0; t < n; ++t) {
    TRIT_CHECK(tokens[t] >= 0 && size_t(tokens[t]) < V, "runtime: token id ", tokens[t], " outside the vocabulary of ",
               V);
    std::memcpy(x_.data() + t * d, tok_embd_.data() + size_t(tokens[t]) * d, d * sizeof(float));
  }
  for (size_t li = 0; li < n_layers; ++li) {
    Layer& l = layers_[li];
    rms_norm(x_.data(), l.attn_norm.data(), n, d, d, eps, xn_.data(), &pool_);
    project({{&l.q, q_.data()}, {&l.k, k_.data()}, {&l.v, v_.data()}}, xn_.data(), n, d);
    if (bitnet) {
      rope_neox(q_.data(), n, d, H, D, pos, rope_);
      rope_neox(k_.data(), n, dkv, Hkv, D, pos, rope_);
    } else {
      rope_interleaved(q_.data(), n, d, H, D, pos, rope_);
      rope_interleaved(k_.data(), n, dkv, Hkv, D, pos, rope_);
    }
    kv_append(l.kv, attn_shape_, k_.data(), v_.data(), n, dkv, pos);
    attention(l.kv, attn_shape_, q_.data(), d, n, pos, att_.data(), d, &pool_);
    if (bitnet) rms_norm(att_.data(), l.attn_sub_norm.data(), n, d, d, eps, att_.data(), &pool_);
    project({{&l.o, tmp_.data()}}, att_.data(), n, d);
    for (size_t i = 0; i < n * d; ++i) x_[i] += tmp_[i];

    rms_norm(x_.data(), l.ffn_norm.data(), n, d, d, eps, xn_.data(), &pool_);
    if (hp_.arch == ModelArch::trix) {
      l.tiles.forward(xn_.data(), d, tokens.data(), n, x_.data(), d, tile_scratch_, &pool_);
      continue;
    }
    project({{&l.gate, gate_.data()}, {&l.up, up_.data()}}, xn_.data(), n, d);
    swiglu(gate_.data(), up_.data(), n, ff, ff, &pool_);
    if (bitnet) rms_norm(gate_.data(), l.ffn_sub_norm.data(), n, ff, ff, eps, gate_.data(), &pool_);
    project({{&l.down, tmp_.data()}}, gate_.data(), n, ff);
    for (size_t i = 0; i < n * d; ++i) x_[i] += tmp_[i];
  }
  // A draft pass fills only the first layers' cache; a full pass fills all of them.
  draft_cached_ = pos + n;
  if (!draft) n_cached_ = pos + n;

  const size_t first = all_logits ? 0 : n - 1, rows = n - first;
  rms_norm(x_.data() + first * d, output_norm_.data(), rows, d, d, eps, xn_.data(), &pool_);
  if (tied_) {
    dense_matmul(tok_embd_.data(), V, d, xn_.data(), rows, d, logits_.data(), V, &pool_);
  } else {
    output_.forward(xn_.data(), rows, d, logits_.data(), V, &pool_);
  }
  return {logits_.data(), rows * V};
}

}  // namespace trit::runtime

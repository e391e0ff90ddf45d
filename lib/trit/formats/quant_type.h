#pragma once
// Quantized weight types as GGUF stores them. The list below is the one place a type is
// declared: the enum, names, ggml ids, block sizes and codec dispatch all derive from it.
//
// Every type packs a row of n_cols floats into n_cols / block_size blocks of type_size
// bytes each (F32/F16/BF16 are "blocks" of one element). The byte layout of each block and
// the exact rounding rules are documented at the top of the codec's .cpp file:
//   quant_float.cpp  (F32, F16, BF16)   quant_q8_0.cpp (Q8_0)   quant_q4_0.cpp (Q4_0)
//   quant_q4_k.cpp   (Q4_K)             quant_ternary.cpp (TQ1_0, TQ2_0)
// All of them give byte-identical output to llama.cpp's reference quantizers
// (quantize_row_*_ref / ggml_fp32_to_fp16_row / ggml_fp32_to_bf16_row_ref).
//
// Non-finite input: block types (Q*, TQ*) reject a row holding NaN or +-inf with an error
// naming the row, because llama.cpp's quantizers turn such rows into garbage. F32, F16 and
// BF16 carry NaN and inf through (NaN becomes a quiet NaN, as llama.cpp does).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace trit {

//        enum   ggml id  name     block  bytes/block  finite input required
#define TRIT_QUANT_TYPES(X)                  \
  X(F32, 0, "f32", 1, 4, false)              \
  X(F16, 1, "f16", 1, 2, false)              \
  X(BF16, 30, "bf16", 1, 2, false)           \
  X(Q8_0, 8, "q8_0", 32, 34, true)           \
  X(Q4_0, 2, "q4_0", 32, 18, true)           \
  X(Q4_K, 12, "q4_k", 256, 144, true)        \
  X(TQ1_0, 34, "tq1_0", 256, 54, true)       \
  X(TQ2_0, 35, "tq2_0", 256, 66, true)

enum class QuantType : uint8_t {
#define X(e, id, n, bs, ts, fin) e,
  TRIT_QUANT_TYPES(X)
#undef X
};

constexpr QuantType kAllQuantTypes[] = {
#define X(e, id, n, bs, ts, fin) QuantType::e,
    TRIT_QUANT_TYPES(X)
#undef X
};

// Lowercase name, as used on command lines ("q4_k", "tq2_0").
constexpr std::string_view quant_name(QuantType t) {
  switch (t) {
#define X(e, id, n, bs, ts, fin) case QuantType::e: return n;
    TRIT_QUANT_TYPES(X)
#undef X
  }
  return "?";
}

// The ggml_type id GGUF writes in a tensor info.
constexpr int32_t ggml_type_id(QuantType t) {
  switch (t) {
#define X(e, id, n, bs, ts, fin) case QuantType::e: return id;
    TRIT_QUANT_TYPES(X)
#undef X
  }
  return -1;
}

// Elements per block.
constexpr int64_t quant_block_size(QuantType t) {
  switch (t) {
#define X(e, id, n, bs, ts, fin) case QuantType::e: return bs;
    TRIT_QUANT_TYPES(X)
#undef X
  }
  return 0;
}

// Bytes per block.
constexpr size_t quant_type_size(QuantType t) {
  switch (t) {
#define X(e, id, n, bs, ts, fin) case QuantType::e: return ts;
    TRIT_QUANT_TYPES(X)
#undef X
  }
  return 0;
}

// True for the block types that reject NaN/inf input rows.
constexpr bool quant_requires_finite(QuantType t) {
  switch (t) {
#define X(e, id, n, bs, ts, fin) case QuantType::e: return fin;
    TRIT_QUANT_TYPES(X)
#undef X
  }
  return true;
}

// Bytes one row of n_cols elements takes. Throws trit::Error naming the type and n_cols when
// n_cols is negative or not a multiple of the block size.
size_t row_size(QuantType t, int64_t n_cols);

// Case-insensitive ("Q4_K", "q4_k"). Throws trit::Error listing the valid names.
QuantType parse_quant_type(std::string_view name);

// From a GGUF tensor info's ggml_type id. Throws trit::Error for ids trit does not support,
// naming the id and the supported types.
QuantType quant_type_from_ggml(int32_t ggml_id);

// Packs n_rows rows of n_cols floats (row-major, contiguous) into n_rows * row_size(t, n_cols)
// bytes at dst. Rows are spread over OpenMP threads (n_threads <= 0: OpenMP's default); the
// output does not depend on the thread count. Throws trit::Error for a bad n_cols, or (block
// types) for a row holding NaN/inf, naming the first such row; dst is then unspecified.
void quantize_rows(QuantType t, const float* src, int64_t n_rows, int64_t n_cols, uint8_t* dst,
                   int n_threads = 0);

// Unpacks n_rows rows of n_cols elements from src (n_rows * row_size(t, n_cols) bytes) into
// floats, exactly as llama.cpp's dequantize_row_* computes them. Any byte pattern is accepted.
void dequantize_rows(QuantType t, const uint8_t* src, int64_t n_rows, int64_t n_cols, float* dst,
                     int n_threads = 0);

}  // namespace trit

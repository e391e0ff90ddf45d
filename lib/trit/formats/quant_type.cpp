#include "trit/formats/quant_type.h"

#include <omp.h>

#include <atomic>
#include <cctype>
#include <cmath>
#include <string>

#include "trit/core/error.h"
#include "trit/formats/quant_codecs.h"

namespace trit {
namespace {

using QuantizeRowFn = void (*)(const float*, uint8_t*, int64_t);
using DequantizeRowFn = void (*)(const uint8_t*, float*, int64_t);

QuantizeRowFn quantize_fn(QuantType t) {
  switch (t) {
#define X(e, id, n, bs, ts, fin) case QuantType::e: return &quant::quantize_row_##e;
    TRIT_QUANT_TYPES(X)
#undef X
  }
  fail("quantize: unknown quant type ", int(t));
}

DequantizeRowFn dequantize_fn(QuantType t) {
  switch (t) {
#define X(e, id, n, bs, ts, fin) case QuantType::e: return &quant::dequantize_row_##e;
    TRIT_QUANT_TYPES(X)
#undef X
  }
  fail("dequantize: unknown quant type ", int(t));
}

std::string valid_names() {
  std::string out;
  for (QuantType t : kAllQuantTypes) {
    if (!out.empty()) out += ", ";
    out += quant_name(t);
  }
  return out;
}

int thread_count(int n_threads) { return n_threads > 0 ? n_threads : omp_get_max_threads(); }

bool row_is_finite(const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i])) return false;
  return true;
}

void check_rows(const char* what, QuantType t, int64_t n_rows) {
  TRIT_CHECK(n_rows >= 0, what, " ", quant_name(t), ": n_rows is ", n_rows, ", expected >= 0");
}

}  // namespace

size_t row_size(QuantType t, int64_t n_cols) {
  const int64_t block = quant_block_size(t);
  TRIT_CHECK(n_cols >= 0 && n_cols % block == 0, "row of ", n_cols, " elements cannot be stored as ",
             quant_name(t), ": the row length must be a multiple of its block size ", block);
  return size_t(n_cols / block) * quant_type_size(t);
}

QuantType parse_quant_type(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (QuantType t : kAllQuantTypes)
    if (quant_name(t) == lower) return t;
  fail("unknown quant type '", name, "' (valid: ", valid_names(), ")");
}

QuantType quant_type_from_ggml(int32_t ggml_id) {
  for (QuantType t : kAllQuantTypes)
    if (ggml_type_id(t) == ggml_id) return t;
  std::string supported;
  for (QuantType t : kAllQuantTypes)
    supported += str_cat(supported.empty() ? "" : ", ", quant_name(t), "=", ggml_type_id(t));
  fail("unsupported ggml type id ", ggml_id, " (trit reads: ", supported, ")");
}

void quantize_rows(QuantType t, const float* src, int64_t n_rows, int64_t n_cols, uint8_t* dst,
                   int n_threads) {
  check_rows("quantize", t, n_rows);
  const size_t row_bytes = row_size(t, n_cols);
  const QuantizeRowFn fn = quantize_fn(t);
  const bool need_finite = quant_requires_finite(t);
  // Lowest row index holding NaN/inf (n_rows: none). Exceptions cannot leave an OpenMP loop,
  // so rows are checked inside it and the error is raised after it.
  std::atomic<int64_t> first_bad{n_rows};

#pragma omp parallel for schedule(static) num_threads(thread_count(n_threads))
  for (int64_t r = 0; r < n_rows; ++r) {
    const float* x = src + r * n_cols;
    if (need_finite && !row_is_finite(x, n_cols)) {
      int64_t seen = first_bad.load();
      while (r < seen && !first_bad.compare_exchange_weak(seen, r)) {
      }
      continue;
    }
    fn(x, dst + size_t(r) * row_bytes, n_cols);
  }

  const int64_t bad = first_bad.load();
  if (bad < n_rows) {
    const float* x = src + bad * n_cols;
    int64_t col = 0;
    while (std::isfinite(x[col])) ++col;
    fail("quantize ", quant_name(t), ": row ", bad, " holds a non-finite value (", x[col],
         " at column ", col, "); ", quant_name(t), " needs finite input");
  }
}

void dequantize_rows(QuantType t, const uint8_t* src, int64_t n_rows, int64_t n_cols, float* dst,
                     int n_threads) {
  check_rows("dequantize", t, n_rows);
  const size_t row_bytes = row_size(t, n_cols);
  const DequantizeRowFn fn = dequantize_fn(t);
#pragma omp parallel for schedule(static) num_threads(thread_count(n_threads))
  for (int64_t r = 0; r < n_rows; ++r) fn(src + size_t(r) * row_bytes, dst + r * n_cols, n_cols);
}

}  // namespace trit

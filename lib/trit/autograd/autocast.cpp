#include "trit/autograd/autocast.h"

#include "trit/core/error.h"

namespace trit {
namespace {

struct AutocastState {
  bool enabled = false;
  DType dtype = DType::bf16;
};

AutocastState& state() {
  thread_local AutocastState s;
  return s;
}

}  // namespace

AutocastGuard::AutocastGuard(DType dtype, bool enabled) : prev_enabled_(state().enabled), prev_dtype_(state().dtype) {
  TRIT_CHECK(dtype == DType::bf16 || dtype == DType::f16, "AutocastGuard: autocast computes in bf16 or f16, not ",
             dtype_name(dtype));
  state().enabled = enabled;
  state().dtype = dtype;
}

AutocastGuard::~AutocastGuard() {
  state().enabled = prev_enabled_;
  state().dtype = prev_dtype_;
}

bool autocast_enabled() { return state().enabled; }
DType autocast_dtype() { return state().dtype; }

std::optional<DType> autocast_compute_dtype(std::initializer_list<Tensor> inputs) {
  if (!state().enabled) return std::nullopt;
  for (const Tensor& t : inputs)
    if (!t.defined() || t.dtype() != DType::f32) return std::nullopt;
  return state().dtype;
}

}  // namespace trit

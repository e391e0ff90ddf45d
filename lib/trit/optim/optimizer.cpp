#include "trit/optim/optimizer.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "trit/autograd/grad_mode.h"
#include "trit/ops/binary.h"

namespace trit::optim {

void check_optimizable(const Tensor& t, const char* what, bool cuda_f32) {
  TRIT_CHECK(t.dtype() == DType::f32 || t.dtype() == DType::f64, what, ": parameter", t.name_suffix(),
             " has dtype ", dtype_name(t.dtype()), "; optimizers update f32 or f64 master weights");
  if (t.device().is_cuda()) {
    TRIT_CHECK(cuda_f32, what, ": parameter", t.name_suffix(), " is on ", t.device().str(),
               "; this optimizer updates CPU parameters only");
    TRIT_CHECK(t.dtype() == DType::f32, what, ": parameter", t.name_suffix(), " on ", t.device().str(),
               " has dtype ", dtype_name(t.dtype()), "; the CUDA update takes f32 master weights");
  }
  TRIT_CHECK(t.is_contiguous(), what, ": parameter", t.name_suffix(), " is not contiguous");
}

Optimizer::Optimizer(std::vector<Tensor> params, double lr) : params_(std::move(params)), lr_(lr) {
  set_lr(lr);
  std::set<std::string> seen;
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    TRIT_CHECK(p.defined(), "optimizer: parameter ", i, " is undefined");
    TRIT_CHECK(p.is_leaf() && p.requires_grad(), "optimizer: parameter", p.name_suffix(), " (index ", i,
               ") must be a leaf tensor that requires grad");
    for (size_t j = 0; j < i; ++j)
      TRIT_CHECK(!params_[j].same(p), "optimizer: parameter", p.name_suffix(), " is listed twice (indices ", j,
                 " and ", i, ")");
    std::string name = p.name().empty() ? str_cat("param.", i) : p.name();
    TRIT_CHECK(seen.insert(name).second, "optimizer: two parameters are named '", name,
               "' (the same tensor listed twice, or names that collide)");
    names_.push_back(std::move(name));
  }
  buffers_.resize(params_.size());
}

void Optimizer::set_lr(double lr) {
  TRIT_CHECK(std::isfinite(lr) && lr >= 0.0, "optimizer: learning rate ", lr, " must be finite and >= 0");
  lr_ = lr;
}

void Optimizer::step() {
  NoGradGuard no_grad;
  ++step_;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    check_same_device("optimizer step", {p.device(), g.device()});
    TRIT_CHECK(g.shape() == p.shape() && g.dtype() == p.dtype(), "optimizer step: gradient of ", names_[i], " is ",
               dtype_name(g.dtype()), shape_str(g.shape()), ", parameter is ", dtype_name(p.dtype()),
               shape_str(p.shape()));
    update(i, p, g.is_contiguous() ? g : g.contiguous());
    p.storage()->bump_version();
  }
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

Tensor& Optimizer::buffer(size_t index, const std::string& name) {
  auto& slot = buffers_.at(index)[name];
  if (!slot.defined()) slot = Tensor::zeros(params_[index].shape(), params_[index].dtype(), params_[index].device());
  return slot;
}

bool Optimizer::has_buffer(size_t index, const std::string& name) const {
  return buffers_.at(index).count(name) > 0;
}

OptimizerState Optimizer::state_dict() const {
  OptimizerState out;
  out.emplace("step", Tensor::scalar(double(step_), DType::f64));
  for (size_t i = 0; i < params_.size(); ++i)
    for (const auto& [name, t] : buffers_[i]) out.emplace(names_[i] + "." + name, t.clone());
  return out;
}

void Optimizer::load_state_dict(const OptimizerState& state) {
  auto step_it = state.find("step");
  TRIT_CHECK(step_it != state.end() && step_it->second.defined() && step_it->second.numel() == 1,
             "optimizer load_state_dict: no one-element \"step\" entry");
  const double step = step_it->second.item();
  TRIT_CHECK(step >= 0 && step == std::floor(step) && step < 0x1p53, "optimizer load_state_dict: step ", step,
             " is not a non-negative integer");

  const std::vector<std::string> kinds = buffer_names();
  std::vector<std::map<std::string, Tensor>> loaded(params_.size());
  for (const auto& [key, t] : state) {
    if (key == "step") continue;
    // The parameter name may itself contain dots: match "<name>.<kind>" for a known kind.
    bool matched = false;
    for (const std::string& kind : kinds) {
      const std::string suffix = "." + kind;
      if (key.size() <= suffix.size() || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
      const std::string pname = key.substr(0, key.size() - suffix.size());
      auto it = std::find(names_.begin(), names_.end(), pname);
      TRIT_CHECK(it != names_.end(), "optimizer load_state_dict: entry '", key, "' names no parameter '", pname,
                 "' of this optimizer");
      const size_t i = size_t(it - names_.begin());
      const Tensor& p = params_[i];
      TRIT_CHECK(t.defined() && t.shape() == p.shape() && t.dtype() == p.dtype(), "optimizer load_state_dict: entry '",
                 key, "' is ", t.defined() ? str_cat(dtype_name(t.dtype()), shape_str(t.shape())) : "undefined",
                 ", expected ", dtype_name(p.dtype()), shape_str(p.shape()), " like its parameter");
      loaded[i][kind] = t.to(p.device()).contiguous().clone();
      matched = true;
      break;
    }
    TRIT_CHECK(matched, "optimizer load_state_dict: unexpected entry '", key, "' (this optimizer keeps \"step\" and ",
               "per-parameter buffers named <param>.", kinds.empty() ? std::string("(none)") : kinds.front(),
               kinds.size() > 1 ? " ..." : "", ")");
  }
  buffers_ = std::move(loaded);
  step_ = int64_t(step);
}

}  // namespace trit::optim

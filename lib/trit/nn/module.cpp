#include "trit/nn/module.h"

#include <algorithm>

#include "trit/autograd/node.h"
#include "trit/ops/binary.h"

namespace trit::nn {
namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

void Module::check_new_name(const std::string& name, const char* what) const {
  TRIT_CHECK(!name.empty() && name.find('.') == std::string::npos, "register ", what, ": name '", name,
             "' must be non-empty and hold no '.' (dots join the names of nested modules)");
  auto taken = [&](const auto& list) {
    return std::any_of(list.begin(), list.end(), [&](const auto& e) { return e.first == name; });
  };
  TRIT_CHECK(!taken(params_) && !taken(buffers_) && !taken(children_), "register ", what, ": name '", name,
             "' is already used by a parameter, buffer or child of this module");
}

Tensor Module::register_parameter(const std::string& name, Tensor value) {
  check_new_name(name, "parameter");
  TRIT_CHECK(value.defined(), "register parameter '", name, "': the tensor is undefined");
  TRIT_CHECK(value.is_leaf(), "register parameter '", name, "': the tensor was made by ", value.grad_fn()->name,
             "; a parameter must be a leaf (detach it first)");
  value.requires_grad_(true);
  value.set_name(name);
  params_.emplace_back(name, value);
  return value;
}

Tensor Module::register_buffer(const std::string& name, Tensor value) {
  check_new_name(name, "buffer");
  TRIT_CHECK(value.defined(), "register buffer '", name, "': the tensor is undefined");
  value.set_name(name);
  buffers_.emplace_back(name, value);
  return value;
}

void Module::attach_child(const std::string& name, std::shared_ptr<Module> child) {
  check_new_name(name, "module");
  TRIT_CHECK(child != nullptr, "register module '", name, "': the module is null");
  child->train(training_);
  children_.emplace_back(name, std::move(child));
  // Name every tensor of this module's tree relative to this module, the first name winning
  // for a tensor reached twice (as named_parameters lists it). The registration of this module
  // in its own parent renames again, so the root's last registration gives the full names.
  for (auto& [n, t] : named_parameters()) Tensor(t).set_name(n);
  for (auto& [n, t] : named_buffers()) Tensor(t).set_name(n);
}

void Module::collect(const std::string& prefix, bool buffers, NamedTensors& out,
                     std::vector<const TensorImpl*>& seen) const {
  for (const auto& [n, t] : buffers ? buffers_ : params_) {
    const TensorImpl* id = t.impl_ptr().get();
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
    seen.push_back(id);
    out.emplace_back(prefix + n, t);
  }
  for (const auto& [n, c] : children_) c->collect(prefix + n + ".", buffers, out, seen);
}

NamedTensors Module::named_parameters() const {
  NamedTensors out;
  std::vector<const TensorImpl*> seen;
  collect("", false, out, seen);
  return out;
}

NamedTensors Module::named_buffers() const {
  NamedTensors out;
  std::vector<const TensorImpl*> seen;
  collect("", true, out, seen);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [n, t] : named_parameters()) out.push_back(t);
  return out;
}

int64_t Module::n_parameters() const {
  int64_t n = 0;
  for (const Tensor& t : parameters()) n += t.numel();
  return n;
}

StateDict Module::state_dict() const {
  StateDict out;
  for (auto& [n, t] : named_parameters()) out.emplace(n, t);
  for (auto& [n, t] : named_buffers()) {
    TRIT_CHECK(out.emplace(n, t).second, "state_dict: name '", n, "' is both a parameter and a buffer");
  }
  return out;
}

void Module::load_state_dict(const StateDict& state, bool strict) {
  const StateDict own = state_dict();
  std::vector<std::string> missing, unexpected, mismatched;
  for (const auto& [n, t] : own) {
    auto it = state.find(n);
    if (it == state.end()) {
      missing.push_back(n);
      continue;
    }
    const Tensor& src = it->second;
    if (!src.defined()) {
      mismatched.push_back(n + " (undefined tensor)");
    } else if (src.shape() != t.shape() || src.dtype() != t.dtype()) {
      mismatched.push_back(str_cat(n, " (given ", dtype_name(src.dtype()), shape_str(src.shape()), ", expected ",
                                   dtype_name(t.dtype()), shape_str(t.shape()), ")"));
    }
  }
  for (const auto& [n, t] : state)
    if (!own.count(n)) unexpected.push_back(n);

  std::string problems;
  if (!mismatched.empty()) problems += "; shape or dtype mismatch: " + join_names(mismatched);
  if (strict && !missing.empty()) problems += "; missing keys: " + join_names(missing);
  if (strict && !unexpected.empty()) problems += "; unexpected keys: " + join_names(unexpected);
  TRIT_CHECK(problems.empty(), "load_state_dict", strict ? " (strict)" : "", problems);

  NoGradGuard no_grad;
  for (const auto& [n, t] : own) {
    auto it = state.find(n);
    if (it == state.end()) continue;
    Tensor dst = t;
    copy_(dst, it->second);
  }
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [n, c] : children_) c->train(on);
}

void Module::zero_grad() {
  for (Tensor& t : parameters()) t.zero_grad();
}

void Module::to(Device device) {
  NoGradGuard no_grad;
  NamedTensors all = named_parameters();
  const NamedTensors buffers = named_buffers();
  all.insert(all.end(), buffers.begin(), buffers.end());
  for (auto& [name, t] : all) {
    if (t.device() == device) continue;
    const Tensor moved = t.detach().to(device);
    TensorImpl& impl = t.impl();  // shared by every handle of this parameter
    impl.storage = moved.storage();
    impl.strides = moved.strides();
    impl.offset = moved.offset();
    impl.grad.reset();
  }
}

}  // namespace trit::nn

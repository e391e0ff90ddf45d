#pragma once
// Module: a node of a model tree holding named parameters (trainable leaf tensors), buffers
// (state saved with the model but not trained) and child modules. Dotted names such as
// `layers.3.attn.q.weight` come from walking the tree: a child registered as "attn" inside a
// module registered as "3" inside a ModuleList registered as "layers" gives its parameter
// "q.weight" the full name above. Each registration of a child renames the tensors of the
// registering module's tree, so once the root has registered its children every parameter
// tensor carries its dotted name (Tensor::name), and errors deep inside ops can name it.
// Modules register their parameters, buffers and children in their constructors (before a
// parent registers them); a later registration gets a name relative to its own module only.
//
// A parameter is registered once; the same tensor reached twice (tied weights registered in
// two places) is listed once, under the name met first in registration order, and carries
// that name. state_dict() has one entry for it.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "trit/core/tensor.h"

namespace trit::nn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
using StateDict = std::map<std::string, Tensor>;

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Parameters of this module and every descendant, in registration order (depth first).
  std::vector<Tensor> parameters() const;
  NamedTensors named_parameters() const;
  NamedTensors named_buffers() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const { return children_; }
  int64_t n_parameters() const;  // number of scalar values over all parameters

  // name -> tensor for every parameter and buffer. The tensors are the module's own (no
  // copy): writing into them changes the model.
  StateDict state_dict() const;
  // Copies values into the parameters and buffers by name. Shapes and dtypes must match
  // exactly. strict: keys the module has but `state` lacks (missing) and keys `state` has
  // but the module does not (unexpected) are errors, all of them listed in one message;
  // not strict: missing entries keep their values and unexpected ones are ignored.
  void load_state_dict(const StateDict& state, bool strict = true);

  // Training mode (dropout and the like look at it); set on the whole subtree.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // Drops the gradient of every parameter (grad becomes undefined, as torch's set_to_none).
  void zero_grad();

  // Moves every parameter and buffer to `device` in place: each tensor keeps its identity (the
  // handles modules hold, tied weights) and its name, with its data now contiguous on `device`;
  // gradients are dropped. Build optimizers after moving (their state is made on the
  // parameters' device). Tensors a module keeps without registering them do not move.
  void to(Device device);

 protected:
  // Makes `value` a parameter: a leaf that requires grad, named `name`. Returns the handle
  // (the module keeps its own copy of it). Names are unique per module and hold no '.'.
  Tensor register_parameter(const std::string& name, Tensor value);
  Tensor register_buffer(const std::string& name, Tensor value);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> child) {
    attach_child(name, child);
    return child;
  }

 private:
  void check_new_name(const std::string& name, const char* what) const;
  void attach_child(const std::string& name, std::shared_ptr<Module> child);
  // Appends (prefix + name, tensor) for this subtree; `seen` drops tensors met before.
  void collect(const std::string& prefix, bool buffers, NamedTensors& out,
               std::vector<const TensorImpl*>& seen) const;

  NamedTensors params_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

// A list of modules of one type (layer stacks), children named "0", "1", ...
template <typename M = Module>
class ModuleList : public Module {
 public:
  std::shared_ptr<M> push_back(std::shared_ptr<M> m) {
    register_module(std::to_string(items_.size()), m);
    items_.push_back(m);
    return m;
  }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  M& operator[](size_t i) const { return *items_.at(i); }
  const std::shared_ptr<M>& ptr(size_t i) const { return items_.at(i); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 private:
  std::vector<std::shared_ptr<M>> items_;
};

}  // namespace trit::nn

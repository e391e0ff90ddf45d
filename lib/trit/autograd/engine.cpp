// Backward engine: reverse topological order from the root, gradients summed per node, leaf
// gradients accumulated into .grad, each node's backward function released after it ran.
#include <unordered_map>
#include <unordered_set>

#include "trit/autograd/node.h"
#include "trit/ops/binary.h"

namespace trit {
namespace {

thread_local bool grad_mode_enabled = true;

// Post-order DFS without recursion (graphs of deep models would overflow the stack).
std::vector<Node*> topological_order(Node* root) {
  std::vector<Node*> order;
  std::unordered_set<Node*> seen{root};
  std::vector<std::pair<Node*, size_t>> stack{{root, 0}};
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->edges.size()) {
      Node* child = node->edges[next++].node.get();
      if (child && seen.insert(child).second) stack.push_back({child, 0});
    } else {
      order.push_back(node);
      stack.pop_back();
    }
  }
  return order;  // children before parents
}

// True when nothing but this handle reaches g's values: one handle, its storage held by no
// other tensor, and g all of that storage, contiguous, without autograd state.
bool sole_owner(const Tensor& g) {
  return g.impl_ptr().use_count() == 1 && g.storage().use_count() == 1 && g.is_contiguous() &&
         g.impl().offset == 0 && g.nbytes() == g.storage()->nbytes() && !g.requires_grad() && !g.grad_fn();
}

void accumulate_leaf(TensorImpl& leaf, const Tensor& g) {
  if (!leaf.grad) {
    // A fresh gradient that nothing else holds becomes the grad as it is (a weight's dW from
    // its matmul, typically): copying it cost a TriX layer 5% of its step. Anything else is
    // copied, since backward functions may return views shared with other gradients.
    leaf.grad = sole_owner(g) ? g.impl_ptr() : g.clone().impl_ptr();
  } else {
    Tensor acc(leaf.grad);
    add_(acc, g);
  }
}

}  // namespace

bool GradMode::enabled() { return grad_mode_enabled; }
void GradMode::set_enabled(bool on) { grad_mode_enabled = on; }

const Tensor& SavedTensor::get() const {
  TRIT_CHECK(!t_.defined() || t_.storage()->version() == version_, "backward of ", op_,
             ": a tensor it saved", t_.name_suffix(), " was modified in place after the forward pass (version ",
             version_, " -> ", t_.storage()->version(), "); clone it before changing it");
  return t_;
}

bool needs_grad(std::initializer_list<Tensor> inputs) {
  if (!GradMode::enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

bool needs_grad(const std::vector<Tensor>& inputs) {
  if (!GradMode::enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

void record(const char* name, Tensor& out, const std::vector<Tensor>& inputs, BackwardFn backward) {
  auto node = std::make_shared<Node>();
  node->name = name;
  node->edges.reserve(inputs.size());
  for (const Tensor& t : inputs) {
    Edge e;
    if (t.defined() && t.grad_fn()) e.node = t.grad_fn();
    else if (t.defined() && t.impl().requires_grad) e.leaf = t.impl_ptr();
    node->edges.push_back(std::move(e));
  }
  node->backward = std::move(backward);
  node->out_shape = out.shape();
  node->out_dtype = out.dtype();
  out.impl().grad_fn = std::move(node);
}

void run_backward(const Tensor& root, const Tensor& seed) {
  TRIT_CHECK(root.requires_grad(), "backward: the tensor does not require grad (no input of its graph has requires_grad set)");
  Tensor g0 = seed;
  if (!g0.defined()) {
    TRIT_CHECK(root.numel() == 1, "backward on a tensor of shape ", shape_str(root.shape()),
               " needs a seed gradient of that shape; only one-element tensors get the implicit seed 1");
    g0 = Tensor::ones(root.shape(), root.dtype(), root.device());
  }
  TRIT_CHECK(g0.shape() == root.shape(), "backward: seed shape ", shape_str(g0.shape()),
             " differs from the tensor's ", shape_str(root.shape()));
  NoGradGuard no_grad;
  if (root.is_leaf()) {
    accumulate_leaf(root.impl(), g0);
    return;
  }
  Node* root_node = root.grad_fn().get();
  const std::vector<Node*> order = topological_order(root_node);
  std::unordered_map<Node*, Tensor> grads;
  grads[root_node] = g0;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node* node = *it;
    auto found = grads.find(node);
    if (found == grads.end()) continue;  // no gradient flows here
    const Tensor dout = std::move(found->second);
    grads.erase(found);
    TRIT_CHECK(node->backward != nullptr, "backward through the graph a second time (at ", node->name,
               "): its saved tensors were freed by the first backward; run the forward pass again");
    std::vector<Tensor> din = node->backward(dout);
    node->backward = nullptr;  // frees saved tensors
    TRIT_CHECK(din.size() == node->edges.size(), "internal: backward of ", node->name, " returned ",
               din.size(), " gradients for ", node->edges.size(), " inputs");
    for (size_t i = 0; i < din.size(); ++i) {
      const Edge& e = node->edges[i];
      if (!e.active() || !din[i].defined()) continue;
      const Shape& want = e.node ? e.node->out_shape : e.leaf->shape;
      TRIT_CHECK(din[i].shape() == want, "internal: backward of ", node->name, " gave input ", i,
                 " a gradient of shape ", shape_str(din[i].shape()), ", expected ", shape_str(want));
      if (e.leaf) {
        accumulate_leaf(*e.leaf, din[i]);
      } else {
        auto [slot, inserted] = grads.try_emplace(e.node.get(), din[i]);
        if (!inserted) slot->second = slot->second + din[i];
      }
    }
  }
}

}  // namespace trit

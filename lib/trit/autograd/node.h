#pragma once
// The recorded graph. Every op result that needs a gradient points to a Node; the node's edges
// lead to the nodes of its inputs (or, for leaves, to the leaf tensors themselves) and its
// backward function maps the gradient of the output to one gradient per edge. Backward
// functions capture only what they need, through SavedTensor, which remembers the storage
// version at save time so an in-place change before backward is reported, not silently used.
#include <functional>
#include <initializer_list>
#include <memory>
#include <vector>

#include "trit/autograd/grad_mode.h"
#include "trit/core/tensor.h"

namespace trit {

struct Edge {
  std::shared_ptr<Node> node;        // input produced by an op
  std::shared_ptr<TensorImpl> leaf;  // or a leaf that requires grad
  bool active() const { return node || leaf; }
};

using BackwardFn = std::function<std::vector<Tensor>(const Tensor& dout)>;

struct Node {
  const char* name = "";
  std::vector<Edge> edges;  // one per input, in the op's argument order
  BackwardFn backward;      // reset after use: the graph is freed by backward
  Shape out_shape;
  DType out_dtype = DType::f32;
};

class SavedTensor {
 public:
  SavedTensor() = default;
  SavedTensor(Tensor t, const char* op)
      : t_(std::move(t)), version_(t_.defined() ? t_.storage()->version() : 0), op_(op) {}
  const Tensor& get() const;

 private:
  Tensor t_;
  uint64_t version_ = 0;
  const char* op_ = "";
};

// True when grad mode is on and any input requires a gradient.
bool needs_grad(std::initializer_list<Tensor> inputs);
bool needs_grad(const std::vector<Tensor>& inputs);

// Attaches a node to `out` whose edges lead to `inputs`. Call only when needs_grad(inputs).
void record(const char* name, Tensor& out, const std::vector<Tensor>& inputs, BackwardFn backward);

// Backward from `root` (seed: gradient of root; may be undefined for a one-element root).
void run_backward(const Tensor& root, const Tensor& seed);

}  // namespace trit

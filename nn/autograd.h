// Define-by-run reverse-mode autograd. Each differentiable op computes its output, then attach() records a
// Node holding the inputs and a backward closure. backward() visits nodes in reverse topological order; a
// node reads its output's gradient and accumulates (+=) into grad_for(i) of each input that needs one.
// After backward every node of the graph is released, with the tensors its closure saved.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nn/tensor.h"

namespace ldd {

struct Node;
using BackwardFn = std::function<void(const Tensor& grad_output, Node& node)>;

struct Node {
  const char* name = "";
  std::string layer;  // the layer that created it, recorded only while a Profiler is active
  std::vector<Tensor> inputs;
  BackwardFn backward;

  bool needs_grad(std::size_t i) const { return inputs[i].requires_grad(); }
  // Input i's gradient buffer, zero-filled on first use, to accumulate into.
  Tensor& grad_for(std::size_t i);
};

struct Storage {
  Device device;
  float* data;
  std::size_t count;
  Storage(Device device, std::size_t count);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
};

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  bool requires_grad = false;
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
  bool graph_released = false;  // set on non-leaves after backward, to refuse a second pass
};

// Recording is on by default and off inside a NoGrad scope (per thread), e.g. for evaluation.
bool grad_enabled();
class NoGrad {
 public:
  NoGrad();
  ~NoGrad();
  NoGrad(const NoGrad&) = delete;
  NoGrad& operator=(const NoGrad&) = delete;

 private:
  bool previous_;
};

// Records `out` as produced by `name` from `inputs` when recording is on and any input requires a
// gradient. The closure must not capture `out` itself (that would be a reference cycle): capture
// out.detach() when backward needs the output's values.
Tensor attach(Tensor out, const char* name, std::vector<Tensor> inputs, BackwardFn backward);

}  // namespace ldd
